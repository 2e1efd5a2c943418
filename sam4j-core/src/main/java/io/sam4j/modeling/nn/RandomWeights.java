package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.Tensor;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random tensors for the synthetic official-size models of {@code bench-synthetic}: uniform values
 * around a mean with standard deviation 0.02, like a fresh initialization (weights around 0, norm
 * scales and variances around 1). The values mean nothing; only the shapes matter.
 */
public final class RandomWeights {
  private RandomWeights() {}

  /** A float32 tensor of {@code shape} with values uniform in mean +- 0.02 * sqrt(3). */
  public static Tensor uniform(SplittableRandom rnd, float mean, long... shape) {
    float[] v = new float[(int) Tensor.numel(shape)];
    float half = (float) (0.02 * Math.sqrt(3));
    for (int i = 0; i < v.length; i++) {
      v[i] = mean + (float) rnd.nextDouble(-half, half);
    }
    return Tensor.ofFloats(v, shape);
  }

  /**
   * A convolution without bias and its batch norm in training form ({@code prefix.c.weight},
   * {@code prefix.bn.*}), as RepViT checkpoints store them.
   */
  public static void convBn(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int out,
      int in, int k) {
    m.put(prefix + ".c.weight", uniform(rnd, 0, out, in, k, k));
    m.put(prefix + ".bn.weight", uniform(rnd, 1, out));
    m.put(prefix + ".bn.bias", uniform(rnd, 0, out));
    m.put(prefix + ".bn.running_mean", uniform(rnd, 0, out));
    m.put(prefix + ".bn.running_var", uniform(rnd, 1, out));
  }
}
