package io.sam4j;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;

/**
 * A SAM-family model loaded from a checkpoint the user already has ({@code sam_vit_b_01ec64.pth},
 * {@code mobile_sam.pt}, ...): its architecture is detected from the weights, built as ONNX graphs
 * and run on ONNX Runtime. Holds native memory: close it. The SAM 2 family (SAM 2 / 2.1,
 * EfficientTAM, EdgeTAM) works through the same API: its per-family parts live behind an internal
 * backend, so callers never branch on the family.
 *
 * <pre>{@code
 * try (SamModel model = SamModel.load(Path.of("mobile_sam.pt"));
 *      SamPredictor predictor = model.newPredictor()) {
 *   predictor.setImage(Images.read(Path.of("dog.jpg")));
 *   Prediction p = predictor.predict(
 *       Prompt.builder().point(500, 375, Label.FOREGROUND).multimask(true).build());
 * }
 * }</pre>
 */
public final class SamModel implements AutoCloseable {
  /** The SAM 1 family's spec, or null for a SAM 2-family model. */
  private final ModelSpec spec;
  /** The SAM 2 family's spec, or null for a SAM 1-family model. */
  private final Sam2ModelSpec sam2Spec;
  private final ModelBackend backend;
  private final LoadTimings timings;
  private volatile boolean closed;

  /**
   * Where loading time went, in milliseconds.
   *
   * @param readMs reading the checkpoint and detecting its architecture
   * @param buildMs building and serializing the ONNX graphs (the decoder for mask inputs is made
   *     on first use, not here)
   * @param sessionMs creating the ONNX Runtime sessions (graph optimization included)
   */
  public record LoadTimings(double readMs, double buildMs, double sessionMs) {
    /** The total. */
    public double totalMs() {
      return readMs + buildMs + sessionMs;
    }
  }

  private SamModel(ModelSpec spec, Sam2ModelSpec sam2Spec, ModelBackend backend,
      LoadTimings timings) {
    this.spec = spec;
    this.sam2Spec = sam2Spec;
    this.backend = backend;
    this.timings = timings;
  }

  /** Loads a checkpoint, detecting its architecture. */
  public static SamModel load(Path checkpoint) {
    return load(checkpoint, null, RuntimeOptions.defaults());
  }

  /**
   * Loads a checkpoint with an optional spec file for what the weights do not say: a JSON spec
   * for the SAM 1 family, the hydra YAML config for the SAM 2 family.
   *
   * @param specFile null to detect everything from the checkpoint
   */
  public static SamModel load(Path checkpoint, Path specFile) {
    return load(checkpoint, specFile, RuntimeOptions.defaults());
  }

  /** Loads a checkpoint with a spec file (or null) and runtime options. */
  public static SamModel load(Path checkpoint, Path specFile, RuntimeOptions options) {
    long t0 = System.nanoTime();
    if (java.nio.file.Files.isDirectory(checkpoint)) {
      return loadQuantized(checkpoint, specFile, options, t0);
    }
    StateDict sd = CheckpointReader.read(checkpoint);
    if (Sam2Backend.isSam2(sd)) {
      Sam2ModelSpec spec = Sam2Backend.spec(sd, specFile, checkpoint);
      long read = System.nanoTime() - t0;
      long[] nanos = new long[2];
      Sam2Backend b = Sam2Backend.build(sd, spec, options, Sam2Backend.encoderGraph(sd, spec, options),
          nanos);
      return new SamModel(null, spec, b,
          new LoadTimings(read / 1e6, nanos[0] / 1e6, nanos[1] / 1e6));
    }
    if (specFile != null && isYaml(specFile)) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, checkpoint.getFileName()
          + " is a SAM 1-family checkpoint (SAM, MobileSAM, EdgeSAM), but " + specFile.getFileName()
          + " is a SAM 2-family YAML config: give such a model no config, or its JSON spec");
    }
    ModelSpec spec = SpecDetector.detect(sd, specFile);
    return build(sd, spec, options, System.nanoTime() - t0);
  }

  /**
   * A SAM 2-family model from its weights and a given image encoder graph (a quantized one, say),
   * its memory attention written by {@code videoLayers} ({@code VideoLayers.FLOAT}: as the
   * checkpoint's): what a quantized directory loads as, built without writing it.
   */
  public static SamModel sam2FromParts(StateDict sd, Sam2ModelSpec spec, OnnxModel encoderGraph,
      io.sam4j.video.VideoLayers videoLayers, RuntimeOptions options) {
    return sam2(sd, spec, encoderGraph, videoLayers, options, 0);
  }

  private static SamModel sam2(StateDict sd, Sam2ModelSpec spec, OnnxModel encoderGraph,
      io.sam4j.video.VideoLayers videoLayers, RuntimeOptions options, double readMs) {
    long[] nanos = new long[2];
    Sam2Backend b = Sam2Backend.build(sd, spec, options, encoderGraph, nanos, videoLayers);
    return new SamModel(null, spec, b, new LoadTimings(readMs, nanos[0] / 1e6, nanos[1] / 1e6));
  }

  /**
   * A directory written by {@link io.sam4j.quant.Quantizer}: its stored encoder graph (which
   * carries its own arithmetic, so {@code options.precision()} does not apply) and decoder graphs
   * built from its weights.
   */
  private static SamModel loadQuantized(Path dir, Path specFile, RuntimeOptions options,
      long t0) {
    if (specFile != null) {
      throw new SamException(SamException.Kind.BAD_INPUT, dir + " is a quantized model directory,"
          + " which holds its own spec: give it no --spec or --config");
    }
    if (io.sam4j.quant.QuantizedModelDir.isSam2(dir)) {
      io.sam4j.quant.QuantizedModelDir.Sam2Contents c =
          io.sam4j.quant.QuantizedModelDir.readSam2(dir);
      return sam2(c.weights(), c.spec(), c.encoder(), c.videoLayers(), options,
          (System.nanoTime() - t0) / 1e6);
    }
    io.sam4j.quant.QuantizedModelDir.Contents c = io.sam4j.quant.QuantizedModelDir.read(dir);
    long read = System.nanoTime() - t0;
    long[] nanos = new long[2];
    SamBackend b = SamBackend.build(c.decoderWeights(), c.spec(), options, c.encoder(),
        System.nanoTime(), nanos);
    return new SamModel(c.spec(), null, b,
        new LoadTimings(read / 1e6, nanos[0] / 1e6, nanos[1] / 1e6));
  }

  private static boolean isYaml(Path file) {
    String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  /** Builds a model from a state dict already read and a spec. */
  public static SamModel fromStateDict(StateDict sd, ModelSpec spec, RuntimeOptions options) {
    return build(sd, spec, options, 0);
  }

  /**
   * Builds a SAM 2-family model from a state dict already read (keys as in the official
   * checkpoints, {@code {"model": ...}} unwrapped) and its spec.
   */
  public static SamModel fromStateDict(StateDict sd, Sam2ModelSpec spec, RuntimeOptions options) {
    long[] nanos = new long[2];
    Sam2Backend b = Sam2Backend.build(sd, spec, options, Sam2Backend.encoderGraph(sd, spec, options),
        nanos);
    return new SamModel(null, spec, b, new LoadTimings(0, nanos[0] / 1e6, nanos[1] / 1e6));
  }

  /**
   * A SAM 2-family model without its image encoder: it takes embeddings only
   * ({@link SamPredictor#setEmbedding}); for tests and for tools that hold embeddings already.
   */
  static SamModel sam2WithoutEncoder(StateDict sd, Sam2ModelSpec spec, RuntimeOptions options) {
    long[] nanos = new long[2];
    Sam2Backend b = Sam2Backend.build(sd, spec, options, null, nanos);
    return new SamModel(null, spec, b, new LoadTimings(0, nanos[0] / 1e6, nanos[1] / 1e6));
  }

  private static SamModel build(StateDict sd, ModelSpec spec, RuntimeOptions options,
      long readNanos) {
    long[] nanos = new long[2];
    SamBackend b = SamBackend.build(sd, spec, options, nanos);
    return new SamModel(spec, null, b,
        new LoadTimings(readNanos / 1e6, nanos[0] / 1e6, nanos[1] / 1e6));
  }

  /** Where the time of loading this model went. */
  public LoadTimings loadTimings() {
    return timings;
  }

  /**
   * The architecture and its hyperparameters of a SAM 1-family model (SAM, MobileSAM).
   *
   * @throws IllegalStateException for a SAM 2-family model (see {@link #sam2Spec()})
   */
  public ModelSpec spec() {
    if (spec == null) {
      throw new IllegalStateException(backend.name() + " is a SAM 2-family model: use sam2Spec()"
          + " (or name(), imageSize(), lowResSize(), which every model has)");
    }
    return spec;
  }

  /** The spec of a SAM 2-family model, or empty for a SAM 1-family model. */
  public java.util.Optional<Sam2ModelSpec> sam2Spec() {
    return java.util.Optional.ofNullable(sam2Spec);
  }

  /** The architecture's short name ({@code vit_b}, {@code sam2.1_hiera_t}, ...). */
  public String name() {
    return backend.name();
  }

  /** Side of the square encoder input (1024; 512 for the 512-pixel EfficientTAM models). */
  public int imageSize() {
    return backend.imageSize();
  }

  /** Side of the low-res mask logits and of mask inputs (256; 128 at 512 pixels). */
  public int lowResSize() {
    return backend.lowResSize();
  }

  /** Number of values in the checkpoint's tensors. */
  public long parameterCount() {
    return backend.parameterCount();
  }

  /**
   * An all-zero embedding of this model's shapes (SAM 2 models' high-resolution features
   * included) for an image of {@code height x width}: what a predictor needs to exercise the
   * decoder before any image is encoded (a server's warm-up, tests). Its masks mean nothing.
   */
  public ImageEmbedding blankEmbedding(int height, int width) {
    return backend().blankEmbedding(height, width);
  }

  /** A new predictor over this model (cheap; one per thread or per image stream). */
  public SamPredictor newPredictor() {
    return new SamPredictor(this);
  }

  /**
   * A video tracking session over {@code frames} (SAM 2 family only), with default options: see
   * {@link io.sam4j.video.VideoTracker}.
   */
  public io.sam4j.video.VideoTracker newTracker(io.sam4j.video.FrameSource frames) {
    return newTracker(frames, io.sam4j.video.TrackerOptions.defaults());
  }

  /** A video tracking session over {@code frames} with the given options. */
  public io.sam4j.video.VideoTracker newTracker(io.sam4j.video.FrameSource frames,
      io.sam4j.video.TrackerOptions options) {
    if (!(backend() instanceof Sam2Backend b)) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, name() + " is a SAM 1-family"
          + " model, which has no memory: video tracking needs a SAM 2-family model (SAM 2, SAM"
          + " 2.1, EfficientTAM, EdgeTAM)");
    }
    return io.sam4j.video.VideoTracker.open(b.video(), frames, options);
  }

  /** The family's parts. */
  ModelBackend backend() {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
    return backend;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      backend.close();
    }
  }
}
