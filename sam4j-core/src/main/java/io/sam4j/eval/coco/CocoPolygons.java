package io.sam4j.eval.coco;

import io.sam4j.mask.Rle;
import java.util.Arrays;

/**
 * Polygon rasterization exactly as pycocotools 2.0.6 ({@code maskApi.c rleFrPoly}): vertices on a
 * 5x grid with C truncation {@code (int)(5 v + 0.5)}, edges walked on that grid, a column crossing
 * counted only when it falls on an integer pixel column in [0, w-1], the row rounded up; the
 * toggles give column-major run lengths (first run background).
 */
public final class CocoPolygons {
  private static final double SCALE = 5;

  private CocoPolygons() {}

  /**
   * The RLE of one polygon.
   *
   * @param xy {@code x0, y0, x1, y1, ...} in pixels (an odd trailing value is ignored, as in C)
   * @param h image height
   * @param w image width
   */
  public static Rle rasterize(double[] xy, int h, int w) {
    int k = xy.length / 2;
    int[] x = new int[k + 1];
    int[] y = new int[k + 1];
    for (int j = 0; j < k; j++) {
      x[j] = (int) (SCALE * xy[j * 2] + .5);
      y[j] = (int) (SCALE * xy[j * 2 + 1] + .5);
    }
    if (k == 0) {
      return Rle.of(h, w, new long[] {(long) h * w});
    }
    x[k] = x[0];
    y[k] = y[0];
    int m = 0;
    for (int j = 0; j < k; j++) {
      m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
    }
    int[] u = new int[m];
    int[] v = new int[m];
    m = 0;
    for (int j = 0; j < k; j++) {
      int xs = x[j];
      int xe = x[j + 1];
      int ys = y[j];
      int ye = y[j + 1];
      int dx = Math.abs(xe - xs);
      int dy = Math.abs(ys - ye);
      boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
      if (flip) {
        int t = xs;
        xs = xe;
        xe = t;
        t = ys;
        ys = ye;
        ye = t;
      }
      double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
      if (dx >= dy) {
        for (int d = 0; d <= dx; d++) {
          int t = flip ? dx - d : d;
          u[m] = t + xs;
          v[m] = (int) (ys + s * t + .5);
          m++;
        }
      } else {
        for (int d = 0; d <= dy; d++) {
          int t = flip ? dy - d : d;
          v[m] = t + ys;
          u[m] = (int) (xs + s * t + .5);
          m++;
        }
      }
    }
    int n = m;
    long[] a = new long[n + 1];
    int cnt = 0;
    for (int j = 1; j < n; j++) {
      if (u[j] != u[j - 1]) {
        double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
        xd = (xd + .5) / SCALE - .5;
        if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
          continue;
        }
        double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
        yd = (yd + .5) / SCALE - .5;
        if (yd < 0) {
          yd = 0;
        } else if (yd > h) {
          yd = h;
        }
        yd = Math.ceil(yd);
        a[cnt++] = (long) ((int) xd * h + (int) yd) & 0xffffffffL;
      }
    }
    a[cnt++] = ((long) h * w) & 0xffffffffL;
    long[] sorted = Arrays.copyOf(a, cnt);
    Arrays.sort(sorted);
    long p = 0;
    for (int j = 0; j < cnt; j++) {
      long t = sorted[j];
      sorted[j] -= p;
      p = t;
    }
    long[] b = new long[cnt];
    int j = 0;
    int mm = 0;
    b[mm++] = sorted[j++];
    while (j < cnt) {
      if (sorted[j] > 0) {
        b[mm++] = sorted[j++];
      } else {
        j++;
        if (j < cnt) {
          b[mm - 1] += sorted[j++];
        }
      }
    }
    return Rle.of(h, w, Arrays.copyOf(b, mm));
  }

  /** pycocotools {@code rleFrBbox}: the polygon of an XYWH box. */
  public static Rle fromBbox(double[] xywh, int h, int w) {
    double xs = xywh[0];
    double ys = xywh[1];
    double xe = xs + xywh[2];
    double ye = ys + xywh[3];
    return rasterize(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, h, w);
  }
}
