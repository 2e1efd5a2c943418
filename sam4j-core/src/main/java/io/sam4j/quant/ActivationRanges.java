package io.sam4j.quant;

import java.util.Arrays;

/**
 * The observed values of one activation tensor over the calibration images: exact minimum and
 * maximum, and a bounded sample (evenly strided, at most {@link #PER_IMAGE} values per image) for
 * choosing a clipped range.
 *
 * <p>Three estimators: {@link #minmax} is the observed range; {@link #mseOptimal} (the
 * {@code calibrated} method) tries the observed range shrunk by ratios 1.0 down to 0.3 and keeps
 * the one whose uint8 quantize-dequantize of the sample has the least squared error, trading the
 * few outliers' clipping against a finer step for everything else; {@link #geluOptimal} does so
 * for GELU inputs, on the GELU's output.
 */
final class ActivationRanges {
  static final int PER_IMAGE = 1 << 16;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;
  private float[] sample = new float[0];

  /** Adds one image's tensor. */
  void add(float[] values) {
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    int n = Math.min(PER_IMAGE, values.length);
    int at = sample.length;
    sample = Arrays.copyOf(sample, at + n);
    double stride = (double) values.length / n;
    for (int i = 0; i < n; i++) {
      sample[at + i] = values[(int) (i * stride)];
    }
  }

  /** {lo, hi}: the observed range. */
  float[] minmax() {
    return new float[] {min, max};
  }

  /** {lo, hi}: the observed range shrunk to minimise the uint8 squared error of the sample. */
  float[] mseOptimal() {
    float[] best = minmax();
    double bestErr = error(best);
    for (int i = 1; i <= 28; i++) {
      double r = 1 - 0.025 * i;
      float[] cand = {(float) (min * r), (float) (max * r)};
      double e = error(cand);
      if (e < bestErr) {
        bestErr = e;
        best = cand;
      }
    }
    return best;
  }

  /**
   * {lo, hi} for a tensor that only goes into a GELU: the observed maximum (the rare large values
   * matter downstream; clipping them made the fixture's embeddings worse), the minimum shrunk
   * (ratios 1.0 to 0.3) to minimise the squared error of what the graph computes,
   * {@code x * sigmoid(1.702 x)} of the quantized sample, against the exact GELU of the sample:
   * GELU flattens the negative end (GELU(-3) = -0.004), so its codes are better spent above.
   */
  float[] geluOptimal() {
    float[] best = minmax();
    double bestErr = Double.POSITIVE_INFINITY;
    double[] exact = new double[sample.length];
    for (int i = 0; i < sample.length; i++) {
      double v = sample[i];
      exact[i] = 0.5 * v * (1 + erf(v / Math.sqrt(2)));
    }
    for (int i = 0; i <= 28; i++) {
      float[] cand = {(float) (min * (1 - 0.025 * i)), max};
      float s = QdqRewriter.scale(cand);
      int z = QdqRewriter.zeroPoint(cand, s);
      double err = 0;
      for (int k = 0; k < sample.length && err < bestErr; k++) {
        long q = Math.max(0, Math.min(255, Math.round(sample[k] / s) + z));
        double d = exact[k] - QdqRewriter.sigmoidGelu((q - z) * s);
        err += d * d;
      }
      if (err < bestErr) {
        bestErr = err;
        best = cand;
      }
    }
    return best;
  }

  /** erf to 1.5e-7 (Abramowitz and Stegun 7.1.26). */
  static double erf(double x) {
    double t = 1 / (1 + 0.3275911 * Math.abs(x));
    double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
    return x >= 0 ? y : -y;
  }

  private double error(float[] range) {
    float s = QdqRewriter.scale(range);
    int z = QdqRewriter.zeroPoint(range, s);
    double err = 0;
    for (float v : sample) {
      long q = Math.max(0, Math.min(255, Math.round(v / s) + z));
      double d = v - (q - z) * s;
      err += d * d;
    }
    return err;
  }
}
