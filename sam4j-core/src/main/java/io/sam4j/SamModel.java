package io.sam4j;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SamGraphs;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SAM-family model loaded from a checkpoint the user already has ({@code sam_vit_b_01ec64.pth},
 * {@code mobile_sam.pt}, ...): its architecture is detected from the weights, built as ONNX graphs
 * and run on ONNX Runtime. Holds native memory: close it.
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
  private final ModelSpec spec;
  private final InferenceSession encoder;
  private final InferenceSession prologue;
  private final InferenceSession decoderTokens;
  private final InferenceSession decoderMasks;
  private final InferenceSession decoderMasksForAll;
  /** The prompt encoder's and mask decoder's weights, for {@link #maskInputDecoder}. */
  private final StateDict decoderWeights;
  private final RuntimeOptions options;
  /** Made on first use: most work never gives a mask input (100-160 ms of loading spared). */
  private InferenceSession maskDecoder;
  private final long parameterCount;
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

  private SamModel(ModelSpec spec, List<InferenceSession> sessions, StateDict decoderWeights,
      RuntimeOptions options, long parameterCount, LoadTimings timings) {
    this.spec = spec;
    this.decoderWeights = decoderWeights;
    this.options = options;
    this.encoder = sessions.get(0);
    this.prologue = sessions.get(1);
    this.decoderTokens = sessions.get(2);
    this.decoderMasks = sessions.get(3);
    this.decoderMasksForAll = sessions.get(4);
    this.parameterCount = parameterCount;
    this.timings = timings;
  }

  /** Loads a checkpoint, detecting its architecture. */
  public static SamModel load(Path checkpoint) {
    return load(checkpoint, null, RuntimeOptions.defaults());
  }

  /**
   * Loads a checkpoint with an optional JSON spec file for what the weights do not say.
   *
   * @param specFile null to detect everything from the checkpoint
   */
  public static SamModel load(Path checkpoint, Path specFile) {
    return load(checkpoint, specFile, RuntimeOptions.defaults());
  }

  /** Loads a checkpoint with a spec file (or null) and runtime options. */
  public static SamModel load(Path checkpoint, Path specFile, RuntimeOptions options) {
    long t0 = System.nanoTime();
    StateDict sd = CheckpointReader.read(checkpoint);
    ModelSpec spec = SpecDetector.detect(sd, specFile);
    return build(sd, spec, options, System.nanoTime() - t0);
  }

  /** Builds a model from a state dict already read and a spec. */
  public static SamModel fromStateDict(StateDict sd, ModelSpec spec, RuntimeOptions options) {
    return build(sd, spec, options, 0);
  }

  private static SamModel build(StateDict sd, ModelSpec spec, RuntimeOptions options,
      long readNanos) {
    long t0 = System.nanoTime();
    OnnxModel encGraph = SamGraphs.encoder(sd, spec, List.of(), GraphBuilder.DEFAULT_INLINE_LIMIT,
        options.precision());
    OnnxModel prologueGraph = SamGraphs.decoderPrologue(sd, spec);
    OnnxModel tokensGraph = SamGraphs.decoderTokens(sd, spec);
    OnnxModel masksGraph = SamGraphs.decoderMasks(sd, spec);
    OnnxModel masksForAllGraph = SamGraphs.decoderMasksForAll(sd, spec);
    long t1 = System.nanoTime();
    List<InferenceSession> made = new java.util.ArrayList<>();
    try {
      made.add(InferenceSession.create("image encoder", encGraph, options));
      made.add(InferenceSession.create("prompt decoder prologue", prologueGraph, options, true));
      made.add(InferenceSession.create("prompt decoder tokens", tokensGraph, options, true));
      made.add(InferenceSession.create("prompt decoder masks", masksGraph, options, true));
      made.add(InferenceSession.create("prompt decoder masks for all", masksForAllGraph, options,
          true));
      long t2 = System.nanoTime();
      return new SamModel(spec, made, decoderWeights(sd), options, sd.parameterCount(),
          new LoadTimings(readNanos / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6));
    } catch (RuntimeException e) {
      made.forEach(InferenceSession::close);
      throw e;
    }
  }

  /**
   * The tensors the decoder graphs read (prompt encoder, mask decoder; about 4M values), copied
   * to the heap as float32 (the graphs' type) so that no mapping of the checkpoint file outlives
   * loading.
   */
  private static StateDict decoderWeights(StateDict sd) {
    Map<String, Tensor> kept = new LinkedHashMap<>();
    for (String prefix : List.of("prompt_encoder.", "mask_decoder.")) {
      for (String key : sd.keysWithPrefix(prefix)) {
        Tensor t = sd.get(key);
        kept.put(key, Tensor.ofFloats(t.toFloatArray(), t.shape()));
      }
    }
    return new StateDict(kept, sd.format());
  }

  /** Where the time of loading this model went. */
  public LoadTimings loadTimings() {
    return timings;
  }

  /** The architecture and its hyperparameters. */
  public ModelSpec spec() {
    return spec;
  }

  /** Number of values in the checkpoint's tensors. */
  public long parameterCount() {
    return parameterCount;
  }

  /** A new predictor over this model (cheap; one per thread or per image stream). */
  public SamPredictor newPredictor() {
    check();
    return new SamPredictor(this);
  }

  InferenceSession encoder() {
    check();
    return encoder;
  }

  /** The per-image part of the decoder for prompts without mask inputs. */
  InferenceSession decoderPrologue() {
    check();
    return prologue;
  }

  /** The decoder's first stage for prompts without mask input (see SamGraphs.decoderTokens). */
  InferenceSession decoderTokens() {
    check();
    return decoderTokens;
  }

  /** The decoder's second stage, masks for selected prompts. */
  InferenceSession decoderMasks() {
    check();
    return decoderMasks;
  }

  /** The decoder's second stage when every prompt of the batch needs masks. */
  InferenceSession decoderMasksForAll() {
    check();
    return decoderMasksForAll;
  }

  /** The whole decoder for prompts with a mask input, built and opened on first use. */
  synchronized InferenceSession maskInputDecoder() {
    check();
    if (maskDecoder == null) {
      maskDecoder = InferenceSession.create("prompt decoder with mask input",
          SamGraphs.decoder(decoderWeights, spec), options, true);
    }
    return maskDecoder;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      for (InferenceSession s : List.of(encoder, prologue, decoderTokens, decoderMasks,
          decoderMasksForAll)) {
        s.close();
      }
      if (maskDecoder != null) {
        maskDecoder.close();
      }
    }
  }
}
