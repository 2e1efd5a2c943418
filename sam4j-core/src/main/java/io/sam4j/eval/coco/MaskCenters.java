package io.sam4j.eval.coco;

/**
 * "Centre" points of a mask, as evaluation code derives point prompts: the argmax of a distance
 * transform of the mask padded by one pixel of background. Masks are row-major, {@code h x w}.
 */
public final class MaskCenters {
  private static final double H = 0.35;
  private static final double K1 = Math.exp(-1 / H);
  private static final double K2 = Math.exp(-Math.sqrt(2) / H);

  private MaskCenters() {}

  /**
   * kornia 0.7.1 {@code distance_transform} (kernel 3, h = 0.35) of the padded mask, cropped back
   * to {@code h x w}: a cascaded-convolution approximation, not an exact EDT. A pixel first reached
   * at iteration {@code i} gets {@code floor(1.5 i) - 0.35 ln(sum of exp(-|d| / 0.35) over its
   * reached 8-neighbours)}; background stays 0.
   */
  public static float[] korniaDistance(boolean[] mask, int w, int h) {
    int pw = w + 2;
    int ph = h + 2;
    boolean[] reached = new boolean[pw * ph];
    for (int y = 0; y < ph; y++) {
      for (int x = 0; x < pw; x++) {
        boolean inside = x >= 1 && y >= 1 && x <= w && y <= h && mask[(y - 1) * w + x - 1];
        reached[y * pw + x] = !inside;
      }
    }
    float[] out = new float[w * h];
    int[] frontier = new int[w * h];
    int[] next = new int[w * h];
    int nf = 0;
    // candidates for the first layer: inside pixels with a reached neighbour
    for (int y = 1; y <= h; y++) {
      for (int x = 1; x <= w; x++) {
        if (!reached[y * pw + x] && touches(reached, x, y, pw)) {
          frontier[nf++] = y * pw + x;
        }
      }
    }
    boolean[] queued = new boolean[pw * ph];
    for (int i = 0; nf > 0; i++) {
      int offset = i * 3 / 2;
      float[] values = new float[nf];
      for (int f = 0; f < nf; f++) {
        int p = frontier[f];
        values[f] = (float) offset + cdt(reached, p % pw, p / pw, pw);
      }
      for (int f = 0; f < nf; f++) {
        int p = frontier[f];
        reached[p] = true;
        out[(p / pw - 1) * w + p % pw - 1] = values[f];
      }
      int nn = 0;
      for (int f = 0; f < nf; f++) {
        int p = frontier[f];
        int x = p % pw;
        int y = p / pw;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int q = (y + dy) * pw + x + dx;
            if (!reached[q] && !queued[q]) {
              queued[q] = true;
              next[nn++] = q;
            }
          }
        }
      }
      for (int f = 0; f < nn; f++) {
        queued[next[f]] = false;
      }
      int[] t = frontier;
      frontier = next;
      next = t;
      nf = nn;
    }
    return out;
  }

  private static boolean touches(boolean[] reached, int x, int y, int pw) {
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        if ((dx != 0 || dy != 0) && reached[(y + dy) * pw + x + dx]) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code -h ln(conv)} in float32, the 3x3 taps summed in row-major order. */
  private static float cdt(boolean[] reached, int x, int y, int pw) {
    float conv = 0;
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        if ((dx != 0 || dy != 0) && reached[(y + dy) * pw + x + dx]) {
          conv += (float) (dx != 0 && dy != 0 ? K2 : K1);
        }
      }
    }
    return (float) (-H * (float) Math.log(conv));
  }

  /**
   * EdgeSAM's {@code get_centroid_from_mask}: the first (row-major) argmax of {@link
   * #korniaDistance}, values within 1e-4 of the maximum counting as ties (float summation order
   * makes equal distances differ in the last bits); {@code (x, y)} integer pixel indices; (0, 0)
   * for an empty mask.
   */
  public static int[] korniaCenter(boolean[] mask, int w, int h) {
    return firstArgmax(korniaDistance(mask, w, h), w, 1e-4);
  }

  /**
   * Exact Euclidean distance to the nearest background pixel of the mask padded by one pixel of
   * background (float32), cropped to {@code h x w}.
   */
  public static float[] exactDistance(boolean[] mask, int w, int h) {
    int pw = w + 2;
    int ph = h + 2;
    double inf = 1e12;
    double[] f = new double[pw * ph];
    for (int y = 0; y < ph; y++) {
      for (int x = 0; x < pw; x++) {
        boolean inside = x >= 1 && y >= 1 && x <= w && y <= h && mask[(y - 1) * w + x - 1];
        f[y * pw + x] = inside ? inf : 0;
      }
    }
    double[] line = new double[Math.max(pw, ph)];
    double[] d = new double[Math.max(pw, ph)];
    for (int x = 0; x < pw; x++) {
      for (int y = 0; y < ph; y++) {
        line[y] = f[y * pw + x];
      }
      edt1d(line, ph, d);
      for (int y = 0; y < ph; y++) {
        f[y * pw + x] = d[y];
      }
    }
    for (int y = 0; y < ph; y++) {
      System.arraycopy(f, y * pw, line, 0, pw);
      edt1d(line, pw, d);
      System.arraycopy(d, 0, f, y * pw, pw);
    }
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = (float) Math.sqrt(f[(y + 1) * pw + x + 1]);
      }
    }
    return out;
  }

  /** The first (row-major) argmax of the exact distance; (0, 0) for an empty mask. */
  public static int[] exactCenter(boolean[] mask, int w, int h) {
    return firstArgmax(exactDistance(mask, w, h), w, 0);
  }

  static int[] firstArgmax(float[] v, int w, double tie) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, x);
    }
    for (int i = 0; i < v.length; i++) {
      if (v[i] >= max - tie) {
        return new int[] {i % w, i / w};
      }
    }
    return new int[] {0, 0};
  }

  /** Felzenszwalb-Huttenlocher squared distance transform of one line. */
  private static void edt1d(double[] f, int n, double[] d) {
    int[] v = new int[n];
    double[] z = new double[n + 1];
    int k = 0;
    v[0] = 0;
    z[0] = Double.NEGATIVE_INFINITY;
    z[1] = Double.POSITIVE_INFINITY;
    for (int q = 1; q < n; q++) {
      double s;
      while (true) {
        s = ((f[q] + (double) q * q) - (f[v[k]] + (double) v[k] * v[k])) / (2.0 * q - 2.0 * v[k]);
        if (s <= z[k] && k > 0) {
          k--;
        } else {
          break;
        }
      }
      if (s <= z[k]) {
        // k == 0 and the new parabola dominates everywhere
        v[0] = q;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        continue;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
      while (z[k + 1] < q) {
        k++;
      }
      double dq = q - v[k];
      d[q] = dq * dq + f[v[k]];
    }
  }
}
