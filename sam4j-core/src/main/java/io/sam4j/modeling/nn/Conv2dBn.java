package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * A convolution without bias followed by an eval-mode {@code BatchNorm2d}: TinyViT's and
 * EdgeSAM's {@code Conv2d_BN}, timm RepViT's {@code ConvNorm}; keys {@code prefix.c.weight} and
 * {@code prefix.bn.{weight, bias, running_mean, running_var}}. Checkpoints store it unfolded; it is
 * folded into one convolution when the graph is built, {@code w' = w * gamma / sqrt(var + eps)},
 * {@code b' = beta - mean * gamma / sqrt(var + eps)} (EdgeSAM's fixture measured folding at 1.7e-6
 * relative L2 of the embedding).
 */
public final class Conv2dBn {
  /** PyTorch's default BatchNorm epsilon. */
  public static final double EPS = 1e-5;

  private Conv2dBn() {}

  /**
   * A folded convolution: weight [out, in/groups, k, k] and bias [out].
   *
   * @param weight the weights, row-major in {@code shape}
   * @param bias one value per output channel
   * @param shape the weight's shape
   */
  public record Folded(float[] weight, float[] bias, long[] shape) {
    /** Output channels. */
    public int out() {
      return (int) shape[0];
    }

    /** Kernel side. */
    public int kernel() {
      return (int) shape[2];
    }
  }

  /** The per-channel scale {@code gamma / sqrt(var + eps)} and shift of the norm {@code bn}. */
  public static double[][] bnAffine(StateDict sd, String bn) {
    float[] gamma = sd.get(bn + ".weight").toFloatArray();
    float[] beta = sd.get(bn + ".bias").toFloatArray();
    float[] mean = sd.get(bn + ".running_mean").toFloatArray();
    float[] var = sd.get(bn + ".running_var").toFloatArray();
    double[] scale = new double[gamma.length];
    double[] shift = new double[gamma.length];
    for (int o = 0; o < gamma.length; o++) {
      scale[o] = gamma[o] / Math.sqrt((double) var[o] + EPS);
      shift[o] = beta[o] - mean[o] * scale[o];
    }
    return new double[][] {scale, shift};
  }

  /** Folds {@code prefix.bn} into {@code prefix.c}. */
  public static Folded fold(StateDict sd, String prefix) {
    Tensor w = sd.get(prefix + ".c.weight");
    float[] wf = w.toFloatArray();
    double[][] affine = bnAffine(sd, prefix + ".bn");
    int out = w.dim(0);
    if (affine[0].length != out) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.UNSUPPORTED_MODEL, prefix
          + ".bn has " + affine[0].length + " channels but " + prefix + ".c has " + out);
    }
    int per = wf.length / out;
    float[] bias = new float[out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < per; i++) {
        wf[o * per + i] = (float) (wf[o * per + i] * affine[0][o]);
      }
      bias[o] = (float) affine[1][o];
    }
    return new Folded(wf, bias, w.shape());
  }

  /** The folded convolution of {@code prefix} applied to {@code x}. */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x, int stride,
      int pad, int groups) {
    return apply(g, prefix, fold(sd, prefix), x, stride, pad, groups);
  }

  /** A folded convolution applied to {@code x}; initializers are named after {@code prefix}. */
  public static Value apply(GraphBuilder g, String prefix, Folded f, Value x, int stride, int pad,
      int groups) {
    Value w = g.weight(prefix + ".fused.weight", f.weight(), f.shape());
    Value b = g.weight(prefix + ".fused.bias", f.bias(), f.out());
    return Conv2d.apply(g, x, w, b, f.kernel(), stride, pad, groups);
  }
}
