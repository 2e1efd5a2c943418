package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * The {@code neck} every SAM 1 image encoder ends with (ViT, TinyViT, EdgeSAM's RepViT):
 * {@code Sequential(Conv2d 1x1, LayerNorm2d, Conv2d 3x3 pad 1, LayerNorm2d)}, no biases, norms with
 * eps 1e-6; keys {@code prefix.0 .. prefix.3}. NCHW in and out.
 */
public final class SamNeck {
  private SamNeck() {}

  /** The neck of {@code prefix} applied to {@code x}. */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x) {
    Value n = Conv2d.build(g, sd, prefix + ".0", x, 1, 0, 1);
    n = LayerNorm2d.build(g, sd, prefix + ".1", n, 1e-6f);
    n = Conv2d.build(g, sd, prefix + ".2", n, 1, 1, 1);
    return LayerNorm2d.build(g, sd, prefix + ".3", n, 1e-6f);
  }
}
