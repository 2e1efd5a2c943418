package io.sam4j.eval.davis;

/**
 * The DAVIS 2017 per-frame metrics as the official {@code davis2017/metrics.py} computes them, on
 * binary masks stored row-major ({@code height x width}, {@code true} = object).
 *
 * <ul>
 *   <li>J ({@code db_eval_iou}): |A∩B| / |A∪B|, 1 when the union is empty.
 *   <li>F ({@code f_measure}): boundaries by {@code _seg2bmap}, each dilated by a disk of radius
 *       {@code ceil(0.008 * sqrt(H² + W²))}; precision and recall of boundary pixels matched within
 *       the other's dilation; F = 2PR / (P + R).
 * </ul>
 *
 * <p>The semi-supervised protocol passes no void mask, so void pixels count as background.
 */
public final class DavisMetrics {
  /** The official boundary tolerance as a fraction of the image diagonal. */
  public static final double BOUND_TH = 0.008;

  private DavisMetrics() {}

  /** Region similarity J: intersection over union, 1 when both masks are empty. */
  public static double jaccard(boolean[] gt, boolean[] pred) {
    check(gt, pred);
    long inter = 0;
    long union = 0;
    for (int i = 0; i < gt.length; i++) {
      if (gt[i] && pred[i]) {
        inter++;
      }
      if (gt[i] || pred[i]) {
        union++;
      }
    }
    return union == 0 ? 1.0 : (double) inter / union;
  }

  /** The dilation radius {@code ceil(0.008 * ||(H, W)||)} of the boundary F-measure. */
  public static int boundPix(int height, int width) {
    return (int) Math.ceil(BOUND_TH * Math.sqrt((double) height * height + (double) width * width));
  }

  /**
   * Boundary F-measure of a prediction against the ground truth (note the official argument order:
   * {@code f_measure(foreground_mask, gt_mask)}).
   */
  public static double fMeasure(boolean[] pred, boolean[] gt, int height, int width) {
    check(gt, pred);
    if (gt.length != (long) height * width) {
      throw new IllegalArgumentException("masks hold " + gt.length + " pixels, not " + height + "x"
          + width);
    }
    int r = boundPix(height, width);
    boolean[] fgB = seg2bmap(pred, height, width);
    boolean[] gtB = seg2bmap(gt, height, width);
    boolean[] fgDil = dilate(fgB, height, width, r);
    boolean[] gtDil = dilate(gtB, height, width, r);
    long nFg = 0;
    long nGt = 0;
    long fgMatch = 0;
    long gtMatch = 0;
    for (int i = 0; i < gt.length; i++) {
      if (fgB[i]) {
        nFg++;
        if (gtDil[i]) {
          fgMatch++;
        }
      }
      if (gtB[i]) {
        nGt++;
        if (fgDil[i]) {
          gtMatch++;
        }
      }
    }
    double precision;
    double recall;
    if (nFg == 0 && nGt > 0) {
      precision = 1;
      recall = 0;
    } else if (nFg > 0 && nGt == 0) {
      precision = 0;
      recall = 1;
    } else if (nFg == 0) {
      precision = 1;
      recall = 1;
    } else {
      precision = (double) fgMatch / nFg;
      recall = (double) gtMatch / nGt;
    }
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
  }

  /**
   * The 1-pixel boundary map of {@code _seg2bmap}: a pixel differs from its east, south or
   * south-east neighbour (0 beyond the image); the last row compares with the east only, the last
   * column with the south only, the bottom-right pixel is never a boundary.
   */
  public static boolean[] seg2bmap(boolean[] seg, int height, int width) {
    boolean[] b = new boolean[seg.length];
    for (int y = 0; y < height; y++) {
      boolean lastRow = y == height - 1;
      for (int x = 0; x < width; x++) {
        boolean lastCol = x == width - 1;
        int i = y * width + x;
        boolean s0 = seg[i];
        boolean e = !lastCol && seg[i + 1];
        boolean s = !lastRow && seg[i + width];
        boolean se = !lastRow && !lastCol && seg[i + width + 1];
        boolean v;
        if (lastRow && lastCol) {
          v = false;
        } else if (lastRow) {
          v = s0 ^ e;
        } else if (lastCol) {
          v = s0 ^ s;
        } else {
          v = (s0 ^ e) | (s0 ^ s) | (s0 ^ se);
        }
        b[i] = v;
      }
    }
    return b;
  }

  /**
   * Binary dilation by the disk {@code x² + y² <= r²} ({@code skimage.morphology.disk} applied with
   * {@code cv2.dilate}; nothing beyond the border).
   */
  public static boolean[] dilate(boolean[] m, int height, int width, int r) {
    int[] half = new int[r + 1];
    for (int dy = 0; dy <= r; dy++) {
      half[dy] = (int) Math.floor(Math.sqrt((double) r * r - (double) dy * dy) + 1e-9);
      while ((half[dy] + 1) * (half[dy] + 1) + dy * dy <= r * r) {
        half[dy]++;
      }
      while (half[dy] * half[dy] + dy * dy > r * r) {
        half[dy]--;
      }
    }
    boolean[] out = new boolean[m.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (!m[y * width + x]) {
          continue;
        }
        for (int dy = -r; dy <= r; dy++) {
          int yy = y + dy;
          if (yy < 0 || yy >= height) {
            continue;
          }
          int hw = half[Math.abs(dy)];
          int x0 = Math.max(0, x - hw);
          int x1 = Math.min(width - 1, x + hw);
          java.util.Arrays.fill(out, yy * width + x0, yy * width + x1 + 1, true);
        }
      }
    }
    return out;
  }

  private static void check(boolean[] a, boolean[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("masks differ in size: " + a.length + " vs " + b.length
          + " pixels");
    }
  }
}
