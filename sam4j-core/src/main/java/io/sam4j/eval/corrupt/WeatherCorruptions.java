package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;
import java.util.random.RandomGenerator;

/** fog and snow (frost needs the reference's frost photographs; see {@link Corruptions}). */
final class WeatherCorruptions {
  private WeatherCorruptions() {}

  private static final double[][] FOG = {{1.5, 2}, {2., 2}, {2.5, 1.7}, {2.5, 1.5}, {3., 1.4}};
  private static final double[][] SNOW = {{0.1, 0.3, 3, 0.5, 10, 4, 0.8},
      {0.2, 0.3, 2, 0.5, 12, 4, 0.7}, {0.55, 0.3, 4, 0.9, 12, 8, 0.7},
      {0.55, 0.3, 4.5, 0.85, 12, 8, 0.65}, {0.55, 0.3, 2.5, 0.85, 12, 12, 0.55}};

  /**
   * Adds a diamond-square plasma map; generalised: the map is the next power of two at least
   * {@code max(H, W)} (256 at 224²), cropped to HxW.
   */
  static RgbImage fog(RgbImage img, int severity, RandomGenerator rng) {
    double c0 = FOG[severity - 1][0];
    double decay = FOG[severity - 1][1];
    FloatImage x = FloatImage.of(img, 255.0);
    int size = 256;
    while (size < Math.max(x.width, x.height)) {
      size *= 2;
    }
    double[][] map = plasmaFractal(size, decay, rng);
    double max = 0;
    for (double v : x.v) {
      max = Math.max(max, v);
    }
    for (int y = 0; y < x.height; y++) {
      for (int xx = 0; xx < x.width; xx++) {
        for (int c = 0; c < 3; c++) {
          int i = (y * x.width + xx) * 3 + c;
          x.v[i] = (x.v[i] + c0 * map[y][xx]) * max / (max + c0);
        }
      }
    }
    return x.toRgbClipUnit();
  }

  /** The reference {@code plasma_fractal}: diamond-square with wrap-around, scaled to [0, 1]. */
  static double[][] plasmaFractal(int n, double wibbleDecay, RandomGenerator rng) {
    double[][] m = new double[n][n];
    int step = n;
    double wibble = 100;
    while (step >= 2) {
      int half = step / 2;
      int cells = n / step;
      // squares: centre = mean of the four corners + noise
      double[][] sq = new double[cells][cells];
      for (int i = 0; i < cells; i++) {
        for (int j = 0; j < cells; j++) {
          int i1 = (i + 1) % cells;
          int j1 = (j + 1) % cells;
          sq[i][j] = m[i * step][j * step] + m[i1 * step][j * step] + m[i * step][j1 * step]
              + m[i1 * step][j1 * step];
        }
      }
      for (int i = 0; i < cells; i++) {
        for (int j = 0; j < cells; j++) {
          m[i * step + half][j * step + half] = sq[i][j] / 4 + wibble * rng.nextDouble(-wibble, wibble);
        }
      }
      // diamonds
      double[][] lt = new double[cells][cells];
      double[][] tt = new double[cells][cells];
      for (int i = 0; i < cells; i++) {
        for (int j = 0; j < cells; j++) {
          int im = (i - 1 + cells) % cells;
          int jm = (j - 1 + cells) % cells;
          double dr = m[i * step + half][j * step + half];
          lt[i][j] = dr + m[im * step + half][j * step + half] + m[i * step][j * step]
              + m[i * step][((j + 1) % cells) * step];
          tt[i][j] = dr + m[i * step + half][jm * step + half] + m[i * step][j * step]
              + m[((i + 1) % cells) * step][j * step];
        }
      }
      for (int i = 0; i < cells; i++) {
        for (int j = 0; j < cells; j++) {
          m[i * step][j * step + half] = lt[i][j] / 4 + wibble * rng.nextDouble(-wibble, wibble);
        }
      }
      for (int i = 0; i < cells; i++) {
        for (int j = 0; j < cells; j++) {
          m[i * step + half][j * step] = tt[i][j] / 4 + wibble * rng.nextDouble(-wibble, wibble);
        }
      }
      step /= 2;
      wibble /= wibbleDecay;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] row : m) {
      for (double v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    for (double[] row : m) {
      for (int j = 0; j < n; j++) {
        row[j] = (row[j] - min) / (max - min);
      }
    }
    return m;
  }

  /**
   * Snow: a zoomed, thresholded normal layer motion-blurred at an angle in [-135, -45), added with
   * its 180° rotation to the brightened image. Generalised: the layer is HxW and zoomed per axis.
   */
  static RgbImage snow(RgbImage img, int severity, RandomGenerator rng) {
    double[] c = SNOW[severity - 1];
    int w = img.width();
    int h = img.height();
    FloatImage x = FloatImage.of(img, 255.0);
    float[] layer = new float[w * h];
    for (int i = 0; i < layer.length; i++) {
      layer[i] = (float) (c[0] + c[1] * rng.nextGaussian());
    }
    float[] zoomed = BlurCorruptions.clippedZoom(layer, w, h, 1, c[2]);
    int[] grey = new int[w * h];
    for (int i = 0; i < grey.length; i++) {
      double v = zoomed[i] < c[3] ? 0 : zoomed[i];
      grey[i] = (int) (Math.min(1, Math.max(0, v)) * 255);
    }
    int[] blurred = MotionBlur.apply(grey, w, h, 1, c[4], c[5], rng.nextDouble(-135, -45));
    double keep = c[6];
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        int p = (y * w + xx) * 3;
        float r = (float) x.v[p];
        float g = (float) x.v[p + 1];
        float b = (float) x.v[p + 2];
        double gray = (0.299f * r + 0.587f * g + 0.114f * b) * 1.5 + 0.5;
        double s = blurred[y * w + xx] / 255. + blurred[(h - 1 - y) * w + (w - 1 - xx)] / 255.;
        for (int ch = 0; ch < 3; ch++) {
          double v = x.v[p + ch];
          x.v[p + ch] = keep * v + (1 - keep) * Math.max(v, gray) + s;
        }
      }
    }
    return x.toRgbClipUnit();
  }
}
