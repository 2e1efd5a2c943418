package io.sam4j.modeling.nn;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * RepViT's re-parameterizable depthwise token mixer: EdgeSAM's {@code RepVGGDW} and timm's
 * {@code RepVggDw}, {@code conv(x) + conv1(x) + x} with {@code conv} a depthwise k x k
 * {@link Conv2dBn} and {@code conv1} a depthwise 1x1 one ({@code legacy}, keys
 * {@code prefix.conv1.c/bn}), or timm's non-legacy form {@code bn(conv(x) + conv1(x) + x)} with
 * {@code conv1} a plain 1x1 depthwise convolution with bias and {@code prefix.bn} after the sum.
 * Built as one depthwise k x k convolution, the three branches folded into its kernel as the
 * reference's {@code fuse()} does (input and output [N, C, H, W]).
 */
public final class RepVggDw {
  private RepVggDw() {}

  /** The token mixer of {@code prefix} applied to {@code x}. */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x) {
    Conv2dBn.Folded conv = Conv2dBn.fold(sd, prefix + ".conv");
    int c = conv.out();
    int k = conv.kernel();
    if (conv.shape()[1] != 1 || k % 2 == 0) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, prefix
          + ".conv is not a depthwise convolution with an odd kernel");
    }
    float[] w = conv.weight().clone();
    float[] b = conv.bias().clone();
    float[] w1;
    float[] b1;
    if (sd.has(prefix + ".conv1.c.weight")) {
      Conv2dBn.Folded conv1 = Conv2dBn.fold(sd, prefix + ".conv1");
      w1 = conv1.weight();
      b1 = conv1.bias();
    } else {
      w1 = sd.get(prefix + ".conv1.weight", c, 1, 1, 1).toFloatArray();
      b1 = sd.has(prefix + ".conv1.bias") ? sd.get(prefix + ".conv1.bias").toFloatArray()
          : new float[c];
    }
    int centre = (k / 2) * k + k / 2;
    for (int o = 0; o < c; o++) {
      w[o * k * k + centre] += w1[o] + 1f;
      b[o] += b1[o];
    }
    if (!sd.has(prefix + ".conv1.c.weight") && sd.has(prefix + ".bn.weight")) {
      double[][] affine = Conv2dBn.bnAffine(sd, prefix + ".bn");
      for (int o = 0; o < c; o++) {
        for (int i = 0; i < k * k; i++) {
          w[o * k * k + i] = (float) (w[o * k * k + i] * affine[0][o]);
        }
        b[o] = (float) (b[o] * affine[0][o] + affine[1][o]);
      }
    }
    return Conv2dBn.apply(g, prefix, new Conv2dBn.Folded(w, b, conv.shape()), x, 1, k / 2, c);
  }
}
