package io.sam4j.eval.corrupt;

/**
 * ImageMagick 6.9 Q16 {@code MagickMotionBlurImage(radius, sigma, angle)} as the reference calls it
 * through Wand: a one-sided Gaussian kernel of width {@code 2 * ceil(radius) + 1}, tap {@code i} at
 * offset {@code (ceil(i cos a - 0.5), ceil(i sin a - 0.5))}, edge pixels repeated beyond the
 * border, quantum rounding, then 8-bit output.
 */
final class MotionBlur {
  private MotionBlur() {}

  /** Blurs 8-bit samples (HxWxC, values 0..255) and returns 8-bit samples. */
  static int[] apply(int[] px, int w, int h, int ch, double radius, double sigma, double angleDeg) {
    int width = 2 * (int) Math.ceil(radius) + 1;
    double[] k = new double[width];
    double sum = 0;
    for (int i = 0; i < width; i++) {
      k[i] = Math.exp(-((double) i * i) / (2.0 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
      sum += k[i];
    }
    for (int i = 0; i < width; i++) {
      k[i] /= sum;
    }
    double a = Math.toRadians(angleDeg);
    double px0 = width * Math.sin(a);
    double py0 = width * Math.cos(a);
    double hyp = Math.hypot(px0, py0);
    int[] ox = new int[width];
    int[] oy = new int[width];
    for (int i = 0; i < width; i++) {
      ox[i] = (int) Math.ceil(i * py0 / hyp - 0.5);
      oy[i] = (int) Math.ceil(i * px0 / hyp - 0.5);
    }
    int[] out = new int[px.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < ch; c++) {
          double s = 0;
          for (int i = 0; i < width; i++) {
            int xx = Math.min(w - 1, Math.max(0, x + ox[i]));
            int yy = Math.min(h - 1, Math.max(0, y + oy[i]));
            s += k[i] * (px[(yy * w + xx) * ch + c] * 257.0);
          }
          long q = s <= 0 ? 0 : s >= 65535 ? 65535 : (long) (s + 0.5);
          out[(y * w + x) * ch + c] = (int) ((q + 128) / 257);
        }
      }
    }
    return out;
  }
}
