package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;
import java.util.random.RandomGenerator;

/**
 * ImageNet-C's {@code elastic_transform}: a random affine warp ({@code cv2.getAffineTransform} of
 * three jittered points, {@code warpAffine} bilinear with reflect-101 border), then a displacement
 * field of Gaussian-smoothed uniform noise ({@code gaussian(mode='reflect', truncate=3)}) applied
 * by SciPy's order-1 {@code map_coordinates} with mode {@code reflect}. Its constants are absolute
 * pixels tuned for 224x224 and are kept as coded (the reference runs at any size).
 */
final class ElasticTransform {
  private ElasticTransform() {}

  private static final double[][] C = {{244 * 2, 244 * 0.7, 244 * 0.1},
      {244 * 2, 244 * 0.08, 244 * 0.2}, {244 * 0.05, 244 * 0.01, 244 * 0.02},
      {244 * 0.07, 244 * 0.01, 244 * 0.02}, {244 * 0.12, 244 * 0.01, 244 * 0.02}};

  static RgbImage apply(RgbImage img, int severity, RandomGenerator rng) {
    double[] c = C[severity - 1];
    int w = img.width();
    int h = img.height();
    FloatImage x = FloatImage.of(img, 255.0);
    // the reference builds its points from (H, W) and hands them to OpenCV as (x, y): kept
    double cs0 = Math.floor(h / 2.0);
    double cs1 = Math.floor(w / 2.0);
    int sq = Math.min(h, w) / 3;
    double[][] pts1 = {{cs0 + sq, cs1 + sq}, {cs0 + sq, cs1 - sq}, {cs0 - sq, cs1 - sq}};
    double[][] pts2 = new double[3][2];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        pts2[i][j] = (float) (pts1[i][j] + (float) rng.nextDouble(-c[2], c[2]));
      }
    }
    double[] inv = invert(affine(pts1, pts2));
    double[] warped = new double[x.v.length];
    for (int yy = 0; yy < h; yy++) {
      for (int xx = 0; xx < w; xx++) {
        double sx = inv[0] * xx + inv[1] * yy + inv[2];
        double sy = inv[3] * xx + inv[4] * yy + inv[5];
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        double fx = sx - x0;
        double fy = sy - y0;
        for (int ch = 0; ch < 3; ch++) {
          double v = 0;
          for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
              int py = BlurCorruptions.reflect101(y0 + a, h);
              int px = BlurCorruptions.reflect101(x0 + b, w);
              v += (a == 0 ? 1 - fy : fy) * (b == 0 ? 1 - fx : fx) * x.v[(py * w + px) * 3 + ch];
            }
          }
          warped[(yy * w + xx) * 3 + ch] = (float) v;
        }
      }
    }
    double[] dx = field(w, h, c, rng);
    double[] dy = field(w, h, c, rng);
    double[] out = new double[x.v.length];
    for (int yy = 0; yy < h; yy++) {
      for (int xx = 0; xx < w; xx++) {
        double cy = scipyReflect(yy + dy[yy * w + xx], h);
        double cx = scipyReflect(xx + dx[yy * w + xx], w);
        int y0 = (int) Math.floor(cy);
        int x0 = (int) Math.floor(cx);
        double fy = cy - y0;
        double fx = cx - x0;
        for (int ch = 0; ch < 3; ch++) {
          double v = 0;
          for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
              int py = GaussianFilter.index(y0 + a, h, GaussianFilter.Mode.REFLECT);
              int px = GaussianFilter.index(x0 + b, w, GaussianFilter.Mode.REFLECT);
              v += (a == 0 ? 1 - fy : fy) * (b == 0 ? 1 - fx : fx) * warped[(py * w + px) * 3 + ch];
            }
          }
          out[(yy * w + xx) * 3 + ch] = v;
        }
      }
    }
    return new FloatImage(w, h, 3, out).toRgbClipUnit();
  }

  /** {@code (gaussian(uniform(-1, 1, (H, W)), sigma, mode='reflect', truncate=3) * alpha)} as float32. */
  private static double[] field(int w, int h, double[] c, RandomGenerator rng) {
    double[] f = new double[w * h];
    for (int i = 0; i < f.length; i++) {
      f[i] = rng.nextDouble(-1, 1);
    }
    GaussianFilter.filter(f, w, h, 1, c[1], 3.0, GaussianFilter.Mode.REFLECT);
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) (f[i] * c[0]);
    }
    return f;
  }

  /** SciPy's continuous coordinate reflection for mode 'reflect' ({@code map_coordinate}). */
  private static double scipyReflect(double in, int len) {
    if (in < 0) {
      double sz2 = 2.0 * len;
      if (in < -sz2) {
        in = sz2 * (int) (-in / sz2) + in;
      }
      in = in < -len ? in + sz2 : -in - 1;
    } else if (in > len - 1) {
      double sz2 = 2.0 * len;
      in -= sz2 * (int) (in / sz2);
      if (in >= len) {
        in = sz2 - in - 1;
      }
    }
    return in;
  }

  /** {@code cv2.getAffineTransform}: the 2x3 matrix (row-major) taking src to dst. */
  static double[] affine(double[][] src, double[][] dst) {
    double[][] a = new double[6][7];
    for (int i = 0; i < 3; i++) {
      a[i * 2] = new double[] {src[i][0], src[i][1], 1, 0, 0, 0, dst[i][0]};
      a[i * 2 + 1] = new double[] {0, 0, 0, src[i][0], src[i][1], 1, dst[i][1]};
    }
    for (int col = 0; col < 6; col++) {
      int piv = col;
      for (int r = col + 1; r < 6; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      double[] t = a[col];
      a[col] = a[piv];
      a[piv] = t;
      for (int r = 0; r < 6; r++) {
        if (r != col && a[col][col] != 0) {
          double f = a[r][col] / a[col][col];
          for (int k = col; k < 7; k++) {
            a[r][k] -= f * a[col][k];
          }
        }
      }
    }
    double[] m = new double[6];
    for (int i = 0; i < 6; i++) {
      m[i] = a[i][i] == 0 ? 0 : a[i][6] / a[i][i];
    }
    return m;
  }

  /** The inverse of a 2x3 affine matrix (what {@code warpAffine} samples with). */
  static double[] invert(double[] m) {
    double det = m[0] * m[4] - m[1] * m[3];
    double d = det != 0 ? 1.0 / det : 0;
    double a11 = m[4] * d;
    double a22 = m[0] * d;
    double a12 = -m[1] * d;
    double a21 = -m[3] * d;
    double b1 = -a11 * m[2] - a12 * m[5];
    double b2 = -a21 * m[2] - a22 * m[5];
    return new double[] {a11, a12, b1, a21, a22, b2};
  }
}
