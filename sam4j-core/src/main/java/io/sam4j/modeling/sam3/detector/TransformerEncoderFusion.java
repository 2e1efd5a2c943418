package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;

/**
 * The fusion encoder, {@code encoder.TransformerEncoderFusion} as SAM 3 builds it (one feature
 * level, no pooled text added, no level embedding): the image tokens [1, HW, d] pass through
 * {@link TransformerEncoderLayer}s that self-attend with the image position encoding on q and k
 * and cross-attend to the prompt (text then geometry tokens) under its padding mask. The result is
 * the reference's {@code encoder_hidden_states} (sequence first there). Keys
 * {@code transformer.encoder.layers.N}.
 */
public final class TransformerEncoderFusion {
  private final Layers nn;
  private final Sam3Spec.Encoder spec;

  public TransformerEncoderFusion(Layers nn, Sam3Spec.Encoder spec) {
    this.nn = nn;
    this.spec = spec;
  }

  /**
   * @param image [1, HW, d] flattened row-major
   * @param imagePos [1, HW, d] the level's sine position encoding
   * @param prompt [1, L, d]
   * @param promptMask additive [1, 1, 1, L] (0 valid, -inf padding)
   * @return [1, HW, d]
   */
  public Value build(Value image, Value imagePos, Value prompt, Value promptMask) {
    Value x = image;
    for (int i = 0; i < spec.numLayers(); i++) {
      x = new TransformerEncoderLayer(nn, "transformer.encoder.layers." + i, spec.numHeads())
          .build(x, imagePos, prompt, null, promptMask);
    }
    return x;
  }
}
