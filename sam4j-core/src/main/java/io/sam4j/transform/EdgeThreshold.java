package io.sam4j.transform;

/**
 * The signs of {@link MaskPostprocessor}'s composed three-tap upscaling ({@code logits > 0}) as
 * mask bits, computing only the pixels near a sign change. Every upscaled logit is a sum of
 * low-res logits times non-negative weights: where the 3 x 3 low-res logits it is made of are all
 * positive (above {@link #TINY}, so that no product can underflow to zero), so is the pixel;
 * where they are all zero or negative, the pixel is not positive. Runs of such pixels are set (or
 * left) a word at a time, and only the others are computed, with the same float expression as
 * the full upscaling, so the bits are exactly {@code value > 0} of those values. A mask whose
 * low-res rows change sign often (a random model's) goes through the full upscaling instead.
 */
final class EdgeThreshold {
  /** Low-res logits above this count as positive: a product with any weight stays above zero. */
  static final float TINY = 1e-30f;
  /** More sign runs than this per low-res row on average: the full upscaling is cheaper. */
  private static final int MAX_RUNS_PER_ROW = 8;

  private EdgeThreshold() {}

  /**
   * Sets the bits of rows {@code from .. to - 1}; returns false, setting nothing, when the mask
   * changes sign too often for this to pay (the caller then upscales every pixel).
   *
   * @param tx the composed taps along x (per output column: three consecutive low-res columns)
   * @param ty the same along y
   * @param side the low-res side (row stride of {@code lowRes})
   * @param bits the mask's words, bit {@code y * width + x}
   */
  static boolean apply(float[] lowRes, int offset, int side, MaskPostprocessor.Taps tx,
      MaskPostprocessor.Taps ty, int from, int to, long[] bits) {
    int width = tx.k0.length;
    int first = ty.k0[from];
    int last = ty.k2[to - 1];
    int rows = last - first + 1;
    // per low-res row r and column k: the sign class (given up on as soon as the rows change sign
    // too often), then the last column of its run
    byte[] cls = new byte[rows * side];
    int budget = MAX_RUNS_PER_ROW * rows;
    int runs = 0;
    for (int r = 0; r < rows; r++) {
      int src = offset + (first + r) * side;
      int at = r * side;
      byte prev = 2;
      for (int k = 0; k < side; k++) {
        float v = lowRes[src + k];
        byte c = (byte) (v > TINY ? 1 : v <= 0f ? -1 : 0);
        cls[at + k] = c;
        if (c != prev) {
          runs++;
          prev = c;
        }
      }
      if (runs > budget) {
        return false;
      }
    }
    int[] runEnd = new int[rows * side];
    for (int r = 0; r < rows; r++) {
      int at = r * side;
      int end = side - 1;
      runEnd[at + end] = end;
      for (int k = side - 2; k >= 0; k--) {
        if (cls[at + k] != cls[at + k + 1]) {
          end = k;
        }
        runEnd[at + k] = end;
      }
    }
    // lastX[e]: the last output column whose taps all lie at or before low-res column e
    int[] lastX = new int[side];
    int x0 = -1;
    for (int e = 0; e < side; e++) {
      while (x0 + 1 < width && tx.k2[x0 + 1] <= e) {
        x0++;
      }
      lastX[e] = x0;
    }
    for (int y = from; y < to; y++) {
      int a = (ty.k0[y] - first) * side;
      int b = (ty.k1[y] - first) * side;
      int c = (ty.k2[y] - first) * side;
      int base = y * width;
      int x = 0;
      while (x < width) {
        int k = tx.k0[x];
        byte s = cls[a + k];
        if (s != 0 && cls[b + k] == s && cls[c + k] == s) {
          int e = Math.min(runEnd[a + k], Math.min(runEnd[b + k], runEnd[c + k]));
          if (tx.k2[x] <= e) {
            int end = lastX[e];
            if (s > 0) {
              setOnes(bits, base + x, base + end);
            }
            x = end + 1;
            continue;
          }
        }
        if (value(lowRes, offset, side, tx, ty, x, y) > 0f) {
          int i = base + x;
          bits[i >>> 6] |= 1L << i;
        }
        x++;
      }
    }
    return true;
  }

  /** Pixel (x, y) exactly as the full composed upscaling computes it. */
  private static float value(float[] lowRes, int offset, int side, MaskPostprocessor.Taps tx,
      MaskPostprocessor.Taps ty, int x, int y) {
    float ha = horizontal(lowRes, offset + ty.k0[y] * side, tx, x);
    float hb = horizontal(lowRes, offset + ty.k1[y] * side, tx, x);
    float hc = horizontal(lowRes, offset + ty.k2[y] * side, tx, x);
    return ha * ty.w0[y] + hb * ty.w1[y] + hc * ty.w2[y];
  }

  private static float horizontal(float[] lowRes, int src, MaskPostprocessor.Taps tx, int x) {
    return lowRes[src + tx.k0[x]] * tx.w0[x] + lowRes[src + tx.k1[x]] * tx.w1[x]
        + lowRes[src + tx.k2[x]] * tx.w2[x];
  }

  /** Sets bits {@code from .. to} (inclusive). */
  static void setOnes(long[] bits, int from, int to) {
    int w0 = from >>> 6;
    int w1 = to >>> 6;
    long head = -1L << from;
    long tail = -1L >>> (63 - (to & 63));
    if (w0 == w1) {
      bits[w0] |= head & tail;
      return;
    }
    bits[w0] |= head;
    for (int w = w0 + 1; w < w1; w++) {
      bits[w] = -1L;
    }
    bits[w1] |= tail;
  }
}
