package io.sam4j.eval.corrupt;

/**
 * SciPy's {@code gaussian_filter} over the two spatial axes of an HxWxC float64 image (what
 * skimage's {@code gaussian(..., multichannel=True)} calls): kernel radius {@code int(truncate *
 * sigma + 0.5)}, weights {@code exp(-x²/2σ²)} normalised, rows then columns.
 */
final class GaussianFilter {
  /** SciPy boundary modes used by the reference. */
  enum Mode {
    /** {@code aaa|abcd|ddd}. */
    NEAREST,
    /** {@code dcba|abcd|dcba} (half-sample symmetric). */
    REFLECT
  }

  private GaussianFilter() {}

  static double[] kernel(double sigma, double truncate) {
    int r = (int) (truncate * sigma + 0.5);
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = Math.exp(-0.5 / (sigma * sigma) * i * i);
      sum += k[i + r];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    return k;
  }

  static int index(int i, int n, Mode mode) {
    if (mode == Mode.NEAREST) {
      return Math.min(n - 1, Math.max(0, i));
    }
    if (n == 1) {
      return 0;
    }
    int period = 2 * n;
    i = Math.floorMod(i, period);
    return i < n ? i : period - 1 - i;
  }

  /** Filters {@code v} (HxWxC) in place and returns it. */
  static double[] filter(double[] v, int w, int h, int ch, double sigma, double truncate, Mode mode) {
    double[] k = kernel(sigma, truncate);
    int r = k.length / 2;
    double[] tmp = new double[v.length];
    // axis 0 (rows: along y) first, as scipy filters axis by axis in order
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < ch; c++) {
          double s = 0;
          for (int i = 0; i < k.length; i++) {
            s += k[i] * v[(index(y + i - r, h, mode) * w + x) * ch + c];
          }
          tmp[(y * w + x) * ch + c] = s;
        }
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < ch; c++) {
          double s = 0;
          for (int i = 0; i < k.length; i++) {
            s += k[i] * tmp[(y * w + index(x + i - r, w, mode)) * ch + c];
          }
          v[(y * w + x) * ch + c] = s;
        }
      }
    }
    return v;
  }
}
