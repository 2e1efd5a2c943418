package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * RepViT's residual channel mixer, {@code x + conv2(GELU(conv1(x)))} with two 1x1
 * {@link Conv2dBn}s (C to 2C and back): EdgeSAM's {@code Residual(Sequential(Conv2d_BN, GELU,
 * Conv2d_BN))} (keys {@code channel_mixer.m.0}, {@code channel_mixer.m.2}) and timm's
 * {@code RepVitMlp} inside its block's residual (keys {@code channel_mixer.conv1},
 * {@code channel_mixer.conv2}). NCHW in and out.
 */
public final class RepVitMlp {
  private RepVitMlp() {}

  /** {@code x + second(GELU(first(x)))}, given the two convolutions' key prefixes. */
  public static Value residual(GraphBuilder g, StateDict sd, Value x, String first,
      String second) {
    Value h = Gelu.build(g, Conv2dBn.build(g, sd, first, x, 1, 0, 1));
    h = Conv2dBn.build(g, sd, second, h, 1, 0, 1);
    return g.op("Add", x, h);
  }
}
