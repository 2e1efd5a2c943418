package io.sam4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.ImageEmbedding;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.amg.AmgConfig;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam3.ConceptCase;
import io.sam4j.modeling.sam3.ConceptPrompt;
import io.sam4j.modeling.sam3.Sam3Predictor;
import io.sam4j.prompt.PromptCase;
import io.sam4j.runtime.RuntimeOptions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Segments the images of one partition with this executor's shared model and one predictor of
 * its own, row by row as Spark pulls them. A row whose image cannot be read or decoded, is too
 * large, or whose prompts are invalid becomes a row with an {@code error}; the task goes on.
 */
final class PartitionSegmenter implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobSettings settings;
  private final LongAccumulator modelLoads;

  PartitionSegmenter(JobSettings settings, LongAccumulator modelLoads) {
    this.settings = settings;
    this.modelLoads = modelLoads;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (settings.mode() == Mode.CONCEPT) {
      Sam3Predictor concept = ExecutorModels.concept(key(true), () -> modelLoads.add(1))
          .newPredictor();
      return map(rows, in -> segment(in, null, null, concept));
    }
    SamModel model = ExecutorModels.get(key(false), () -> modelLoads.add(1));
    AmgConfig amg = settings.amg().config(model);
    SamPredictor predictor = model.newPredictor();
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> predictor.close());
    }
    AutomaticMaskGenerator generator = new AutomaticMaskGenerator(model, amg);
    return map(rows, in -> segment(in, predictor, generator, null));
  }

  private static Iterator<Row> map(Iterator<Row> rows, java.util.function.UnaryOperator<Row> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return f.apply(rows.next());
      }
    };
  }

  private ExecutorModels.Key key(boolean concept) {
    int threads = settings.threads();
    if (threads == 0) {
      TaskContext task = TaskContext.get();
      threads = task == null ? 1 : Math.max(1, task.cpus());
    }
    RuntimeOptions options = new RuntimeOptions(threads, true, settings.precision());
    return new ExecutorModels.Key(
        CheckpointFiles.local(settings.checkpoint(), settings.hadoop().get()),
        CheckpointFiles.local(settings.spec(), settings.hadoop().get()), options, concept);
  }

  private Row segment(Row in, SamPredictor predictor, AutomaticMaskGenerator generator,
      Sam3Predictor concept) {
    JobSettings.Columns c = settings.columns();
    String path = string(in, c.path());
    String id = string(in, c.id());
    if (id == null) {
      id = path == null ? null : new org.apache.hadoop.fs.Path(path).getName();
    }
    RgbImage img;
    try {
      img = read(in, path, id);
      switch (settings.mode()) {
        case EVERYTHING:
          return row(id, path, img, MaskRows.ofRecords(generator.generate(img)), null);
        case PROMPTS:
          List<PromptCase> cases = cases(in, id);
          predictor.setImage(img);
          return row(id, path, img, MaskRows.ofCases(predictor, cases,
              settings.amg().stabilityScoreOffset()), null);
        case CONCEPT:
          List<ConceptCase> concepts = concepts(in, id);
          concept.setImage(img);
          return row(id, path, img, MaskRows.ofConcepts(concept, concepts,
              settings.concepts().threshold()), null);
        default:
          predictor.setImage(img);
          return embedding(id, path, img, predictor.embedding());
      }
    } catch (SamException | IllegalArgumentException e) {
      return RowFactory.create(id, path, null, null, null, null, null, null, e.getMessage());
    }
  }

  private RgbImage read(Row in, String path, String id) {
    String bytesColumn = settings.columns().bytes();
    if (has(in, bytesColumn) && !in.isNullAt(in.fieldIndex(bytesColumn))) {
      return Images.decode((byte[]) in.getAs(bytesColumn), id, settings.maxPixels());
    }
    if (path == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "row " + id + " has neither a '"
          + settings.columns().path() + "' nor a '" + bytesColumn + "' value");
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      FileSystem fs = p.getFileSystem(settings.hadoop().get());
      long size = fs.getFileStatus(p).getLen();
      if (size > Integer.MAX_VALUE - 8) {
        throw new SamException(SamException.Kind.BAD_IMAGE, "image " + path + " is " + size
            + " bytes; image files over 2 GiB are not supported");
      }
      byte[] bytes = new byte[(int) size];
      try (FSDataInputStream s = fs.open(p)) {
        s.readFully(0, bytes);
      }
      return Images.decode(bytes, p.getName(), settings.maxPixels());
    } catch (FileNotFoundException e) {
      throw new SamException(SamException.Kind.IO, "image " + path + " does not exist");
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read image " + path + ": "
          + e.getMessage(), e);
    }
  }

  private List<PromptCase> cases(Row in, String id) {
    String json = string(in, settings.columns().prompts());
    if (json == null) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "no prompt cases for image " + id
          + " (prompts mode: give each row a '" + settings.columns().prompts()
          + "' JSON array of cases, or name the file in --prompts FILE.json)");
    }
    try {
      return PromptCase.parse(JSON.readTree(json), "prompts of " + id);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "prompts of " + id
          + " are not JSON: " + e.getMessage(), e);
    }
  }

  /** The row's concept cases (its prompts column), else one case per phrase of the job. */
  private List<ConceptCase> concepts(Row in, String id) {
    String json = string(in, settings.columns().prompts());
    if (json != null) {
      try {
        return ConceptCase.parse(JSON.readTree(json), "concept prompts of " + id);
      } catch (IOException e) {
        throw new SamException(SamException.Kind.BAD_PROMPT, "concept prompts of " + id
            + " are not JSON: " + e.getMessage(), e);
      }
    }
    List<ConceptCase> out = new ArrayList<>();
    for (String phrase : settings.concepts().texts()) {
      out.add(new ConceptCase(phrase, ConceptPrompt.text(phrase)));
    }
    if (out.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "no concept prompts for image " + id
          + " (concept mode: give --text PHRASE, or concept cases per image in --prompts"
          + " FILE.json or a '" + settings.columns().prompts() + "' column)");
    }
    return out;
  }

  private static Row row(String id, String path, RgbImage img, List<Row> masks, String error) {
    return RowFactory.create(id, path, img.height(), img.width(), MaskRows.seq(masks), null, null,
        null, error);
  }

  private static Row embedding(String id, String path, RgbImage img, ImageEmbedding e) {
    float[] data = e.data();
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    List<Long> shape = new ArrayList<>();
    for (long s : e.shape()) {
      shape.add(s);
    }
    return RowFactory.create(id, path, img.height(), img.width(), MaskRows.seq(List.of()),
        buf.array(), MaskRows.seq(shape), MaskRows.seq(List.of(e.inputSize()[0], e.inputSize()[1])),
        null);
  }

  private static boolean has(Row row, String column) {
    return column != null && row.schema() != null
        && List.of(row.schema().fieldNames()).contains(column);
  }

  private static String string(Row row, String column) {
    if (!has(row, column) || row.isNullAt(row.fieldIndex(column))) {
      return null;
    }
    return row.getAs(column).toString();
  }
}
