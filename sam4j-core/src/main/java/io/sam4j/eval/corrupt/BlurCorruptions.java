package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;

/**
 * defocus_blur and zoom_blur, hand-written rather than taken from an imaging library: parity with
 * the reference needs OpenCV's exact kernel construction and reflect-101 border, and SciPy's
 * corner-aligned linear zoom in float32, which no JVM imaging library reproduces.
 */
final class BlurCorruptions {
  private BlurCorruptions() {}

  private static final double[][] DEFOCUS = {{3, 0.1}, {4, 0.5}, {6, 0.5}, {8, 0.5}, {10, 0.5}};

  /** The reference {@code disk(radius, alias_blur)} kernel: a normalised disk, Gaussian-smoothed, float32. */
  static float[][] defocusKernel(int severity) {
    double radius = DEFOCUS[severity - 1][0];
    double alias = DEFOCUS[severity - 1][1];
    int half = radius <= 8 ? 8 : (int) radius;
    int ksize = radius <= 8 ? 3 : 5;
    int n = 2 * half + 1;
    float[][] disk = new float[n][n];
    float sum = 0;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        int dx = x - half;
        int dy = y - half;
        disk[y][x] = dx * dx + dy * dy <= radius * radius ? 1f : 0f;
        sum += disk[y][x];
      }
    }
    for (float[] row : disk) {
      for (int x = 0; x < n; x++) {
        row[x] /= sum;
      }
    }
    float[] g = gaussianKernel(ksize, alias);
    return separableFloat(disk, g);
  }

  /** OpenCV {@code getGaussianKernel(n, sigma, CV_32F)} for sigma > 0. */
  static float[] gaussianKernel(int n, double sigma) {
    double scale2X = -0.5 / (sigma * sigma);
    double[] cd = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double x = i - (n - 1) * 0.5;
      cd[i] = Math.exp(scale2X * x * x);
      sum += cd[i];
    }
    sum = 1. / sum;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (cd[i] * sum);
    }
    return out;
  }

  /** OpenCV {@code sepFilter2D} in float32 (rows, then columns) with BORDER_REFLECT_101. */
  private static float[][] separableFloat(float[][] src, float[] k) {
    int n = src.length;
    int r = k.length / 2;
    float[][] tmp = new float[n][n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        float s = 0;
        for (int i = 0; i < k.length; i++) {
          s += k[i] * src[y][reflect101(x + i - r, n)];
        }
        tmp[y][x] = s;
      }
    }
    float[][] out = new float[n][n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        float s = 0;
        for (int i = 0; i < k.length; i++) {
          s += k[i] * tmp[reflect101(y + i - r, n)][x];
        }
        out[y][x] = s;
      }
    }
    return out;
  }

  /** OpenCV's BORDER_REFLECT_101 index ({@code gfedcb|abcdefgh|gfedcba}). */
  static int reflect101(int i, int n) {
    if (n == 1) {
      return 0;
    }
    while (i < 0 || i >= n) {
      i = i < 0 ? -i : 2 * n - 2 - i;
    }
    return i;
  }

  /** {@code cv2.filter2D} per channel (float64, correlation, reflect-101), clipped. */
  static RgbImage defocusBlur(RgbImage img, int severity) {
    float[][] k = defocusKernel(severity);
    FloatImage x = FloatImage.of(img, 255.0);
    int w = x.width;
    int h = x.height;
    int n = k.length;
    int r = n / 2;
    double[] out = new double[x.v.length];
    int[] xi = new int[n];
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        for (int j = 0; j < n; j++) {
          xi[j] = reflect101(xx + j - r, w);
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
          int row = reflect101(y + i - r, h) * w;
          float[] kr = k[i];
          for (int j = 0; j < n; j++) {
            double kv = kr[j];
            if (kv == 0) {
              continue;
            }
            int p = (row + xi[j]) * 3;
            s0 += kv * x.v[p];
            s1 += kv * x.v[p + 1];
            s2 += kv * x.v[p + 2];
          }
        }
        int p = (y * w + xx) * 3;
        out[p] = s0;
        out[p + 1] = s1;
        out[p + 2] = s2;
      }
    }
    return new FloatImage(w, h, 3, out).toRgbClipUnit();
  }

  private static final double[][] ZOOM = {{1, 1.11, 0.01}, {1, 1.16, 0.01}, {1, 1.21, 0.02},
      {1, 1.26, 0.02}, {1, 1.31, 0.03}};

  /** The zoom factors, as {@code np.arange(start, stop, step)} produces them. */
  static double[] zoomFactors(int severity) {
    double[] a = ZOOM[severity - 1];
    int len = (int) Math.ceil((a[1] - a[0]) / a[2]);
    double delta = (a[0] + a[2]) - a[0];
    double[] out = new double[len];
    for (int i = 0; i < len; i++) {
      out[i] = a[0] + i * delta;
    }
    return out;
  }

  /**
   * The mean of the image and its centre zooms (float32 accumulation), each zoom being the
   * reference {@code clipped_zoom} generalised per axis: crop {@code ceil(n / z)} centred, scale
   * by SciPy's order-1 zoom to {@code round(n_crop * z)}, trim back to {@code n} centred.
   */
  static RgbImage zoomBlur(RgbImage img, int severity) {
    double[] factors = zoomFactors(severity);
    int w = img.width();
    int h = img.height();
    float[] x = new float[w * h * 3];
    byte[] b = img.toByteArray();
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((b[i] & 0xff) / 255.);
    }
    float[] out = new float[x.length];
    for (double z : factors) {
      float[] zoomed = clippedZoom(x, w, h, 3, z);
      for (int i = 0; i < out.length; i++) {
        out[i] += zoomed[i];
      }
    }
    byte[] res = new byte[x.length];
    float div = factors.length + 1;
    for (int i = 0; i < x.length; i++) {
      float v = (x[i] + out[i]) / div;
      v = Math.min(1f, Math.max(0f, v)) * 255f;
      res[i] = (byte) (int) v;
    }
    return RgbImage.of(w, h, res);
  }

  /** The generalised {@code clipped_zoom} of a float32 HxWxC image. */
  static float[] clippedZoom(float[] img, int w, int h, int ch, double z) {
    int cropH = (int) Math.ceil(h / z);
    int cropW = (int) Math.ceil(w / z);
    int top = Math.floorDiv(h - cropH, 2);
    int left = Math.floorDiv(w - cropW, 2);
    int outH = (int) Math.rint(cropH * z);
    int outW = (int) Math.rint(cropW * z);
    int trimTop = Math.floorDiv(outH - h, 2);
    int trimLeft = Math.floorDiv(outW - w, 2);
    double zy = outH > 1 ? (double) (cropH - 1) / (outH - 1) : 0;
    double zx = outW > 1 ? (double) (cropW - 1) / (outW - 1) : 0;
    float[] out = new float[w * h * ch];
    int[] x0 = new int[w];
    double[] tx = new double[w];
    for (int x = 0; x < w; x++) {
      double cx = (x + trimLeft) * zx;
      x0[x] = (int) Math.floor(cx);
      tx[x] = cx - x0[x];
    }
    for (int y = 0; y < h; y++) {
      double cy = (y + trimTop) * zy;
      int y0 = (int) Math.floor(cy);
      double ty = cy - y0;
      int y1 = Math.min(y0 + 1, cropH - 1);
      for (int x = 0; x < w; x++) {
        int xa = x0[x];
        int xb = Math.min(xa + 1, cropW - 1);
        double wx = tx[x];
        for (int c = 0; c < ch; c++) {
          double a00 = img[((top + y0) * w + left + xa) * ch + c];
          double a01 = img[((top + y0) * w + left + xb) * ch + c];
          double a10 = img[((top + y1) * w + left + xa) * ch + c];
          double a11 = img[((top + y1) * w + left + xb) * ch + c];
          double v = a00 * (1 - ty) * (1 - wx) + a01 * (1 - ty) * wx + a10 * ty * (1 - wx)
              + a11 * ty * wx;
          out[(y * w + x) * ch + c] = (float) v;
        }
      }
    }
    return out;
  }
}
