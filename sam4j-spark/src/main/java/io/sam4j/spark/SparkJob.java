package io.sam4j.spark;

import io.sam4j.SamException;
import io.sam4j.amg.AmgConfig;
import io.sam4j.cli.AmgOptions;
import io.sam4j.image.Images;
import io.sam4j.registry.ModelStore;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sam4j spark-job}: segments a directory of images (or a table) on Spark and writes Parquet
 * (and optionally one JSON file per image). The same class is the main class for
 * {@code spark-submit}.
 */
@Command(
    name = "spark-job",
    header = "Segment a directory of images (or a table) on Apache Spark.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Segment every image of a directory (any Hadoop file system: local, HDFS, S3A) or of a",
        "table with a 'path' or 'content' column, on Spark. Writes:",
        "  DIR/parquet/          one row per image: image_id, path, height, width, masks (COCO RLE,",
        "                        bbox, area, predicted_iou, stability_score, ...), error",
        "  DIR/json/<stem>.json  with --json: what 'sam4j everything --out' writes for the image",
        "                        (prompts and concept modes: the form of 'sam4j segment';",
        "                        {\"image\", \"error\"} for an image that failed)",
        "  DIR/summary.json      images, masks, errors, seconds, images/s",
        "Examples:",
        "  sam4j spark-job --master local[4] --model mobile_sam.pt --input photos/ \\",
        "      --mode everything --out masks/ --json",
        "  sam4j spark-job --master local[2] --model sam3.pt --input photos/ --mode concept \\",
        "      --text \"yellow school bus\" --text dog --out buses/ --json",
        "  spark-submit --class io.sam4j.spark.SparkJob --files mobile_sam.pt sam4j-spark.jar \\",
        "      --model mobile_sam.pt --input s3a://bucket/photos/ --out s3a://bucket/masks/"})
public final class SparkJob implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--master", paramLabel = "local[N]|URL",
      description = "Spark master (default: spark-submit's, else local[*])")
  String master;

  @Option(names = "--model", required = true, paramLabel = "NAME|PATH|URI",
      description = "Checkpoint: a file (shipped to executors unless the master is local), a model"
          + " name downloaded on the driver, an hdfs:// or s3a:// URI, or the name of a file"
          + " given to spark-submit --files")
  String model;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "Model spec JSON for what the checkpoint does not say (located as --model)")
  String spec;

  @Option(names = "--threads", defaultValue = "0",
      description = "ONNX Runtime threads per task, 0 = spark.task.cpus (default)")
  int threads;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
      description = "Image encoder arithmetic: fp32 (as the reference) or int8")
  String precision;

  @Option(names = "--input", required = true, paramLabel = "DIR|TABLE",
      description = "A directory of images, one image, or a table with a 'path' (or 'content')"
          + " column and optionally 'image_id' and 'prompts'")
  String input;

  @Option(names = "--mode", defaultValue = "everything", paramLabel = "MODE",
      description = "everything, prompts, embed or concept (SAM 3; default ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--text", paramLabel = "PHRASE",
      description = "Concept mode: every instance of this phrase in every image (repeatable)")
  List<String> texts;

  @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "P",
      description = "Concept mode: keep instances scoring above P (default ${DEFAULT-VALUE})")
  double threshold;

  @Option(names = "--prompts", paramLabel = "FILE.json",
      description = "Prompt cases per image file name: {\"truck.jpg\": [cases as sam4j predict"
          + " takes them, or concept cases as sam4j concept-cases takes them], ...}")
  String prompts;

  @Mixin AmgOptions amg;

  @Option(names = "--max-pixels", defaultValue = "" + Images.DEFAULT_MAX_PIXELS,
      description = "Images claiming more pixels fail their row (default ${DEFAULT-VALUE})")
  long maxPixels;

  @Option(names = "--partitions", defaultValue = "0",
      description = "Partitions of a directory's images, 0 = 4 per core of the cluster (default)")
  int partitions;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory")
  String out;

  @Option(names = "--json", description = "Also write DIR/json/<image stem>.json per image")
  boolean json;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command with the given streams and returns its exit code. */
  public static int run(PrintWriter stdout, PrintWriter stderr, String... args) {
    CommandLine cl = new CommandLine(new SparkJob());
    cl.setUsageHelpWidth(100);
    cl.setOut(stdout);
    cl.setErr(stderr);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof SamException) {
        cmd.getErr().println("sam4j: error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    Mode m = Mode.of(mode);
    AmgConfig config = amg.config();
    RuntimeOptions.Precision p = choice(precision);
    if (prompts != null && m != Mode.PROMPTS && m != Mode.CONCEPT) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "--prompts is for --mode prompts or --mode concept");
    }
    if (texts != null && m != Mode.CONCEPT) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--text is for --mode concept (SAM 3)");
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--threshold must lie in [0, 1]");
    }

    SparkConf given = new SparkConf();
    String effective = master != null ? master : given.get("spark.master", "local[*]");
    SparkSession.Builder builder = SparkSession.builder().appName("sam4j spark-job")
        .master(effective);
    if (effective.startsWith("local")) {
      // one machine: talk over the loopback interface whatever the host name resolves to
      for (String key : List.of("spark.driver.host", "spark.driver.bindAddress")) {
        if (!given.contains(key)) {
          builder.config(key, "127.0.0.1");
        }
      }
    }
    SparkSession spark = builder.getOrCreate();
    try {
      return run(spark, m, config, p);
    } finally {
      spark.stop();
    }
  }

  private int run(SparkSession spark, Mode m, AmgConfig config, RuntimeOptions.Precision p) {
    PrintWriter err = commandSpec.commandLine().getErr();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    boolean local = spark.sparkContext().isLocal();
    JsonOutput jsonOutput = json ? new JsonOutput(new Path(out, "json").toString(), m,
        config.outputMode(), new HadoopConf(conf)) : null;
    Dataset<Row> images = images(spark, conf, m);
    LongAccumulator loads = spark.sparkContext().longAccumulator("sam4j model loads");
    SparkSegmenter.Builder builder = SparkSegmenter.builder(checkpoint(spark, model, local))
        .spec(spec == null ? null : checkpoint(spark, spec, local))
        .threads(threads).precision(p).mode(m).amg(config).maxPixels(maxPixels)
        .countModelLoads(loads)
        .concepts(texts == null ? List.of() : texts, threshold);
    if (!amg.predIouThreshGiven()) {
      // as 'sam4j everything': the SAM 2 family's generator starts from 0.8, SAM's from 0.88
      builder.predIouThreshFromFamily();
    }
    SparkSegmenter segmenter = builder.build();
    String parquet = new Path(out, "parquet").toString();
    long t0 = System.nanoTime();
    segmenter.segment(images).write().mode(SaveMode.Overwrite).parquet(parquet);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Dataset<Row> written = spark.read().parquet(parquet);
    if (jsonOutput != null) {
      written.foreachPartition(jsonOutput);
    }
    JobSummary summary = JobSummary.of(written, seconds, loads.value());
    summary.write(new Path(out, "summary.json"), conf);
    commandSpec.commandLine().getOut().println(summary.line(out));
    if (summary.errors() > 0) {
      err.printf(Locale.ROOT, "sam4j: %d images failed; their rows and JSON files say why%n",
          summary.errors());
    }
    return 0;
  }

  private Dataset<Row> images(SparkSession spark, Configuration conf, Mode m) {
    Path in = new Path(input);
    boolean isPath;
    try {
      isPath = in.getFileSystem(conf).exists(in);
    } catch (java.io.IOException e) {
      isPath = false;
    }
    if (!isPath && !input.contains("/") && spark.catalog().tableExists(input)) {
      if (prompts != null) {
        throw new SamException(SamException.Kind.BAD_INPUT, "--prompts is for a directory of"
            + " images; a table carries its prompts in a 'prompts' column");
      }
      return spark.table(input);
    }
    if (m == Mode.CONCEPT && texts == null && prompts == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--mode concept needs --text PHRASE"
          + " or --prompts FILE.json (concept cases per image file name)");
    }
    List<Path> files = ImageInputs.files(input, conf);
    if (json) {
      Set<String> stems = new HashSet<>();
      for (Path f : files) {
        if (!stems.add(ImageInputs.stem(f.getName()))) {
          throw new SamException(SamException.Kind.BAD_INPUT, "two images of " + input
              + " have the stem '" + ImageInputs.stem(f.getName()) + "': their JSON files would"
              + " collide (rename one, or leave out --json)");
        }
      }
    }
    Map<String, String> cases = prompts == null ? new HashMap<>()
        : ImageInputs.readPrompts(prompts, conf, m == Mode.CONCEPT);
    int n = partitions > 0 ? partitions
        : Math.min(files.size(), 4 * spark.sparkContext().defaultParallelism());
    return ImageInputs.dataset(spark, files, cases, n);
  }

  /**
   * Where executors find a checkpoint (or spec): URIs as given; a file the driver has (or a model
   * name, downloaded here) by its path on a local master, else shipped with the job and named by
   * its file name; anything else as given (a file of spark-submit's --files).
   */
  private static String checkpoint(SparkSession spark, String location, boolean local) {
    if (location.contains("://")) {
      return location;
    }
    java.nio.file.Path file = java.nio.file.Path.of(location);
    if (!Files.exists(file)) {
      if (!local && !ModelStore.standard(ProgressListener.NONE).registry().find(location)
          .isPresent()) {
        return location;
      }
      file = ModelStore.standard(ProgressListener.NONE).resolve(location);
    }
    if (local) {
      return file.toAbsolutePath().toString();
    }
    spark.sparkContext().addFile(file.toAbsolutePath().toString());
    return file.getFileName().toString();
  }

  private static RuntimeOptions.Precision choice(String word) {
    for (RuntimeOptions.Precision v : RuntimeOptions.Precision.values()) {
      if (v.name().equalsIgnoreCase(word)) {
        return v;
      }
    }
    throw new SamException(SamException.Kind.BAD_INPUT,
        "--precision '" + word + "' is not one of: fp32, int8");
  }
}
