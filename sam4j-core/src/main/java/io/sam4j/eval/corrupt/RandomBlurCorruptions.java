package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;
import java.util.random.RandomGenerator;

/** glass_blur and motion_blur: the reference's random blurs. */
final class RandomBlurCorruptions {
  private RandomBlurCorruptions() {}

  private static final double[][] GLASS = {{0.7, 1, 2}, {0.9, 2, 1}, {1, 2, 3}, {1.1, 3, 2},
      {1.5, 4, 2}};
  private static final double[][] MOTION = {{10, 3}, {15, 5}, {15, 8}, {15, 12}, {20, 15}};

  /**
   * Gaussian blur, local pixel shuffle, Gaussian blur. Generalised to any size: the loops run over
   * {@code range(H - d, d, -1)} and {@code range(W - d, d, -1)}; the reference's "swap" on numpy
   * views is a one-way copy {@code x[h, w] = x[h + dy, w + dx]}, reproduced as such.
   */
  static RgbImage glassBlur(RgbImage img, int severity, RandomGenerator rng) {
    double sigma = GLASS[severity - 1][0];
    int d = (int) GLASS[severity - 1][1];
    int iterations = (int) GLASS[severity - 1][2];
    int w = img.width();
    int h = img.height();
    FloatImage f = FloatImage.of(img, 255.0);
    GaussianFilter.filter(f.v, w, h, 3, sigma, 4.0, GaussianFilter.Mode.NEAREST);
    double[] x = new double[f.v.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (int) (f.v[i] * 255) & 0xff;
    }
    for (int it = 0; it < iterations; it++) {
      for (int yy = h - d; yy > d; yy--) {
        for (int xx = w - d; xx > d; xx--) {
          int dx = rng.nextInt(-d, d);
          int dy = rng.nextInt(-d, d);
          int src = ((yy + dy) * w + xx + dx) * 3;
          int dst = (yy * w + xx) * 3;
          if (yy + dy >= h || xx + dx >= w) {
            continue;
          }
          x[dst] = x[src];
          x[dst + 1] = x[src + 1];
          x[dst + 2] = x[src + 2];
        }
      }
    }
    for (int i = 0; i < x.length; i++) {
      x[i] /= 255.;
    }
    GaussianFilter.filter(x, w, h, 3, sigma, 4.0, GaussianFilter.Mode.NEAREST);
    return new FloatImage(w, h, 3, x).toRgbClipUnit();
  }

  /** ImageMagick's motion blur at a uniform angle in [-45, 45) degrees. */
  static RgbImage motionBlur(RgbImage img, int severity, RandomGenerator rng) {
    return motionBlur(img, severity, rng.nextDouble(-45, 45));
  }

  /** ImageMagick's motion blur at a given angle (the reference draws it at random). */
  static RgbImage motionBlur(RgbImage img, int severity, double angleDeg) {
    byte[] b = img.toByteArray();
    int[] px = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      px[i] = b[i] & 0xff;
    }
    int[] out = MotionBlur.apply(px, img.width(), img.height(), 3, MOTION[severity - 1][0],
        MOTION[severity - 1][1], angleDeg);
    byte[] o = new byte[out.length];
    for (int i = 0; i < o.length; i++) {
      o[i] = (byte) out[i];
    }
    return RgbImage.of(img.width(), img.height(), o);
  }
}
