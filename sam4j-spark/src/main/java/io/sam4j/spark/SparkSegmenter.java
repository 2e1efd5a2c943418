package io.sam4j.spark;

import io.sam4j.SamException;
import io.sam4j.amg.AmgConfig;
import io.sam4j.image.Images;
import io.sam4j.runtime.RuntimeOptions;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Segments the images of a {@code Dataset<Row>}: one output row per input row, with the schema of
 * {@link ResultSchema#ROW}. Each executor JVM builds the model once and shares it among its tasks;
 * a row that fails (unreadable or too large image, bad prompts) gets an {@code error} and the job
 * goes on. Images are read from a bytes column or, through Hadoop's file system (local, HDFS,
 * S3A...), from a path column.
 *
 * <pre>{@code
 * Dataset<Row> images = ImageInputs.list(spark, "s3a://bucket/photos/");   // image_id, path
 * Dataset<Row> masks = SparkSegmenter.builder("mobile_sam.pt")            // shipped with --files
 *     .mode(Mode.EVERYTHING)
 *     .amg(AmgConfig.builder().pointsPerSide(16).build())
 *     .build()
 *     .segment(images);
 * masks.write().parquet("s3a://bucket/masks/");
 * }</pre>
 *
 * Prompts mode reads a JSON array of prompt cases per row (the form of {@code sam4j predict
 * --prompts}) from the prompts column. Concept mode (a SAM 3 checkpoint) reads concept cases (the
 * form of {@code sam4j concept-cases --cases}) from that column, or asks every row the phrases
 * given to {@link Builder#concepts}.
 */
public final class SparkSegmenter {
  private final JobSettings.Columns columns;
  private final String checkpoint;
  private final String spec;
  private final int threads;
  private final RuntimeOptions.Precision precision;
  private final Mode mode;
  private final AmgSettings amg;
  private final long maxPixels;
  private final LongAccumulator modelLoads;
  private final JobSettings.Concepts concepts;

  private SparkSegmenter(Builder b) {
    columns = new JobSettings.Columns(b.idColumn, b.pathColumn, b.bytesColumn, b.promptsColumn);
    checkpoint = b.checkpoint;
    spec = b.spec;
    threads = b.threads;
    precision = b.precision;
    mode = b.mode;
    concepts = b.concepts;
    amg = AmgSettings.of(b.amg, b.familyPredIouThresh);
    maxPixels = b.maxPixels;
    modelLoads = b.modelLoads;
  }

  /**
   * A builder for a checkpoint location as executors see it: a shared path, the file name of a
   * file shipped with {@code --files}, or an {@code hdfs://} / {@code s3a://} URI.
   */
  public static Builder builder(String checkpoint) {
    return new Builder(checkpoint);
  }

  /**
   * The segmentation of every row of {@code input} (lazy, as any Spark transformation).
   *
   * @throws SamException when the input has neither the path nor the bytes column, or prompts
   *     mode finds no prompts column
   */
  public Dataset<Row> segment(Dataset<Row> input) {
    List<String> names = List.of(input.columns());
    if (!names.contains(columns.path()) && !names.contains(columns.bytes())) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the input needs a '" + columns.path()
          + "' (string) or '" + columns.bytes() + "' (binary) column; it has " + names);
    }
    if (mode == Mode.CONCEPT && concepts.texts().isEmpty() && !names.contains(columns.prompts())) {
      throw new SamException(SamException.Kind.BAD_INPUT, "concept mode needs phrases"
          + " (Builder.concepts) or a '" + columns.prompts() + "' column (a JSON array of concept"
          + " cases per row); the input has " + names);
    }
    if (mode == Mode.PROMPTS && !names.contains(columns.prompts())) {
      throw new SamException(SamException.Kind.BAD_INPUT, "prompts mode needs a '"
          + columns.prompts() + "' column (a JSON array of prompt cases per row); the input has "
          + names);
    }
    LongAccumulator loads = modelLoads;
    if (loads == null) {
      loads = input.sparkSession().sparkContext().longAccumulator("sam4j model loads");
    }
    JobSettings settings = new JobSettings(checkpoint, spec, threads, precision, mode, amg,
        maxPixels, columns,
        new HadoopConf(input.sparkSession().sparkContext().hadoopConfiguration()), concepts);
    return input.mapPartitions(new PartitionSegmenter(settings, loads),
        Encoders.row(ResultSchema.ROW));
  }

  /** Options of a {@link SparkSegmenter}; every one has a default but the checkpoint. */
  public static final class Builder {
    private final String checkpoint;
    private String spec;
    private int threads;
    private RuntimeOptions.Precision precision = RuntimeOptions.Precision.FP32;
    private Mode mode = Mode.EVERYTHING;
    private AmgConfig amg = AmgConfig.defaults();
    private boolean familyPredIouThresh;
    private long maxPixels = Images.DEFAULT_MAX_PIXELS;
    private String idColumn = "image_id";
    private String pathColumn = "path";
    private String bytesColumn = "content";
    private String promptsColumn = "prompts";
    private LongAccumulator modelLoads;
    private JobSettings.Concepts concepts = new JobSettings.Concepts(List.of(), 0.5);

    private Builder(String checkpoint) {
      this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** A model spec file (located as the checkpoint is) for what the checkpoint does not say. */
    public Builder spec(String location) {
      spec = location;
      return this;
    }

    /** ONNX Runtime intra-op threads per task; 0 (default) = {@code spark.task.cpus}. */
    public Builder threads(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("threads must be >= 0, got " + n);
      }
      threads = n;
      return this;
    }

    /** The image encoder's arithmetic (default fp32, as the reference). */
    public Builder precision(RuntimeOptions.Precision p) {
      precision = Objects.requireNonNull(p);
      return this;
    }

    /** What to compute (default {@link Mode#EVERYTHING}). */
    public Builder mode(Mode m) {
      mode = Objects.requireNonNull(m);
      return this;
    }

    /** Automatic mask generation settings (default: the reference's); regular grids only. */
    public Builder amg(AmgConfig config) {
      amg = Objects.requireNonNull(config);
      return this;
    }

    /**
     * Takes {@code pred_iou_thresh} from the model's family (0.88 for SAM, 0.8 for the SAM 2
     * family, as their reference generators) instead of from {@link #amg}'s configuration.
     */
    public Builder predIouThreshFromFamily() {
      familyPredIouThresh = true;
      return this;
    }

    /** Images claiming more pixels fail their row (default {@link Images#DEFAULT_MAX_PIXELS}). */
    public Builder maxPixels(long n) {
      if (n <= 0) {
        throw new IllegalArgumentException("maxPixels must be positive, got " + n);
      }
      maxPixels = n;
      return this;
    }

    /** Input column names (defaults: image_id, path, content, prompts). */
    public Builder columns(String id, String path, String bytes, String prompts) {
      idColumn = id;
      pathColumn = path;
      bytesColumn = bytes;
      promptsColumn = prompts;
      return this;
    }

    /**
     * Concept mode (SAM 3): the phrases asked of every row that has no concept cases of its own,
     * and the score above which an instance is kept (the reference's 0.5 by default).
     */
    public Builder concepts(List<String> phrases, double threshold) {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("threshold must lie in [0, 1], got " + threshold);
      }
      for (String p : phrases) {
        if (p == null || p.isBlank()) {
          throw new IllegalArgumentException("a concept phrase is empty");
        }
      }
      concepts = new JobSettings.Concepts(phrases, threshold);
      return this;
    }

    /** An accumulator that counts model builds (one per executor JVM that ran a task). */
    public Builder countModelLoads(LongAccumulator acc) {
      modelLoads = acc;
      return this;
    }

    public SparkSegmenter build() {
      return new SparkSegmenter(this);
    }
  }
}
