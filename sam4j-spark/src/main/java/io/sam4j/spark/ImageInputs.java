package io.sam4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.modeling.sam3.ConceptCase;
import io.sam4j.prompt.PromptCase;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Input datasets for {@link SparkSegmenter}: the image files of a directory on any Hadoop file
 * system, with their prompt cases from a {@code {"file name": [cases...]}} JSON file.
 */
public final class ImageInputs {
  /** The schema of a listing: the file name, its full path, its prompt cases (JSON) or null. */
  public static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("image_id", DataTypes.StringType, false),
      DataTypes.createStructField("path", DataTypes.StringType, false),
      DataTypes.createStructField("prompts", DataTypes.StringType, true)));

  private static final Set<String> EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageInputs() {}

  /** The image files of a directory (not recursive, by name), or the one file given. */
  public static List<Path> files(String fileOrDir, Configuration conf) {
    Path p = new Path(fileOrDir);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new SamException(SamException.Kind.IO, "input " + fileOrDir + " does not exist");
      }
      if (fs.getFileStatus(p).isFile()) {
        return List.of(fs.getFileStatus(p).getPath());
      }
      List<Path> out = new ArrayList<>();
      for (FileStatus s : fs.listStatus(p)) {
        if (s.isFile() && isImageName(s.getPath().getName())) {
          out.add(s.getPath());
        }
      }
      if (out.isEmpty()) {
        throw new SamException(SamException.Kind.IO, "directory " + fileOrDir
            + " has no image files (" + String.join(", ", EXTENSIONS) + ")");
      }
      out.sort((a, b) -> a.getName().compareTo(b.getName()));
      return out;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot list " + fileOrDir + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * A dataset of the given image files in {@code partitions} partitions, with each file's prompt
   * cases from {@code prompts} (by file name; null where it has none).
   */
  public static Dataset<Row> dataset(SparkSession spark, List<Path> files,
      Map<String, String> prompts, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (Path f : files) {
      rows.add(RowFactory.create(f.getName(), f.toString(), prompts.get(f.getName())));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, Math.max(1, partitions)), SCHEMA);
  }

  /**
   * Reads a prompts file: a JSON object mapping image file names to arrays of prompt cases (the
   * form of {@code sam4j predict --prompts}); every case list is checked here, on the driver.
   *
   * @return file name to its cases as a JSON string
   */
  public static Map<String, String> readPrompts(String file, Configuration conf) {
    return readPrompts(file, conf, false);
  }

  /**
   * As {@link #readPrompts(String, Configuration)}, the cases being SAM 3 concept cases (the form
   * of {@code sam4j concept-cases --cases}) when {@code concept} is true.
   */
  public static Map<String, String> readPrompts(String file, Configuration conf,
      boolean concept) {
    Path p = new Path(file);
    JsonNode root;
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "cannot read prompts " + file + ": "
          + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "prompts " + file + " must be a JSON"
          + " object mapping image file names to arrays of cases: {\"truck.jpg\": [...]}");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (concept) {
        ConceptCase.parse(e.getValue(), p.getName() + " " + e.getKey());
      } else {
        PromptCase.parse(e.getValue(), p.getName() + " " + e.getKey());
      }
      out.put(e.getKey(), e.getValue().toString());
    }
    return out;
  }

  /** The file name without its last extension: the name of its JSON output. */
  public static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  private static boolean isImageName(String n) {
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
