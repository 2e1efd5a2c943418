package io.sam4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SamGraphs;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;

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
  private final InferenceSession decoder;
  private final long parameterCount;
  private volatile boolean closed;

  private SamModel(ModelSpec spec, InferenceSession encoder, InferenceSession decoder,
      long parameterCount) {
    this.spec = spec;
    this.encoder = encoder;
    this.decoder = decoder;
    this.parameterCount = parameterCount;
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
    StateDict sd = CheckpointReader.read(checkpoint);
    JsonNode overrides = specFile == null ? MissingNode.getInstance()
        : SpecDetector.readSpecFile(specFile);
    ModelSpec spec = SpecDetector.detect(sd, overrides);
    return fromStateDict(sd, spec, options);
  }

  /** Builds a model from a state dict already read and a spec. */
  public static SamModel fromStateDict(StateDict sd, ModelSpec spec, RuntimeOptions options) {
    InferenceSession enc = InferenceSession.create("image encoder",
        SamGraphs.encoder(sd, spec, List.of()), options);
    try {
      InferenceSession dec = InferenceSession.create("prompt decoder",
          SamGraphs.decoder(sd, spec), options);
      return new SamModel(spec, enc, dec, sd.parameterCount());
    } catch (RuntimeException e) {
      enc.close();
      throw e;
    }
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

  InferenceSession decoder() {
    check();
    return decoder;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        encoder.close();
      } finally {
        decoder.close();
      }
    }
  }
}
