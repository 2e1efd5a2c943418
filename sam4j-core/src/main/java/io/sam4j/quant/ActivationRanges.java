package io.sam4j.quant;

import java.util.Arrays;

/**
 * The observed values of one activation tensor over the calibration images: exact minimum and
 * maximum, and a bounded sample (evenly strided, at most {@link #PER_IMAGE} values per image) for
 * choosing a clipped range.
 *
 * <p>Two estimators: {@link #minmax} is the observed range; {@link #mseOptimal} (the
 * {@code calibrated} method) tries the observed range shrunk by ratios 1.0 down to 0.3 and keeps
 * the one whose uint8 quantize-dequantize of the sample has the least squared error, trading the
 * few outliers' clipping against a finer step for everything else.
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
