package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * {@code model_misc.MLP}: {@code layers.0 .. layers.(n-1)} with ReLU between them (not after the
 * last), optionally plus the input ({@code residual}) and then {@code out_norm} (LayerNorm, eps
 * 1e-5) when the checkpoint has one.
 */
final class Mlp {
  private Mlp() {}

  /** The MLP under {@code prefix} applied to {@code x} (last axis). */
  static Value build(Layers nn, String prefix, Value x, boolean residual) {
    int n = nn.sd.countIndexed(prefix + ".layers.");
    if (n == 0) {
      throw new IllegalArgumentException("no MLP layers under " + prefix);
    }
    Value y = x;
    for (int i = 0; i < n; i++) {
      y = nn.linear(prefix + ".layers." + i, y);
      if (i < n - 1) {
        y = nn.relu(y);
      }
    }
    if (residual) {
      y = nn.add(y, x);
    }
    if (nn.sd.has(prefix + ".out_norm.weight")) {
      y = nn.layerNorm(prefix + ".out_norm", y, 1e-5f);
    }
    return y;
  }
}
