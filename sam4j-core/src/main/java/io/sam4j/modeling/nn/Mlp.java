package io.sam4j.modeling.nn;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * The mask decoders' {@code MLP} (SAM's {@code mask_decoder.MLP}, SAM 2's {@code sam2_utils.MLP}
 * without its optional output sigmoid, which the caller applies): linear layers
 * {@code layers.0 .. layers.(n-1)} on the last axis, ReLU between them, none after the last.
 */
public final class Mlp {
  private Mlp() {}

  /**
   * @param prefix the module's keys ({@code mask_decoder.iou_prediction_head})
   * @param x [..., in]
   * @param layers n
   * @return [..., out]
   */
  public static Value build(Layers nn, String prefix, Value x, int layers) {
    for (int i = 0; i < layers; i++) {
      x = nn.linear(prefix + ".layers." + i, x);
      if (i < layers - 1) {
        x = nn.relu(x);
      }
    }
    return x;
  }
}
