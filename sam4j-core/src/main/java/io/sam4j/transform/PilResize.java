package io.sam4j.transform;

import io.sam4j.image.RgbImage;
import java.util.stream.IntStream;

/**
 * Pillow's {@code Image.resize(size, BOX | BILINEAR | BICUBIC)} for 8-bit
 * images, bit for bit: per-pixel filter coefficients in double (support scaled by the shrink
 * factor, so it antialiases when shrinking), normalized, quantized to 22-bit fixed point;
 * horizontal pass first, vertical pass on its 8-bit output (clipped to 0..255 after each pass);
 * an axis whose size does not change is not resampled. SAM's image predictor uses bilinear; SAM 2's
 * video frames use Pillow's default for RGB, bicubic.
 */
public final class PilResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  /** Pillow's resampling filters used by the reference code. */
  public enum Filter {
    /** Box filter, support 1/2 (ImageNet-C's {@code pixelate}). */
    BOX(0.5),
    /** Triangle filter, support 1. */
    BILINEAR(1.0),
    /** Pillow's cubic convolution with a = -0.5, support 2. */
    BICUBIC(2.0);

    final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      if (this == BOX) {
        return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
      }
      if (x < 0.0) {
        x = -x;
      }
      if (this == BILINEAR) {
        return x < 1.0 ? 1.0 - x : 0.0;
      }
      double a = -0.5;
      if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
      }
      if (x < 2.0) {
        return (((x - 5) * x + 8) * x - 4) * a;
      }
      return 0.0;
    }
  }

  private PilResize() {}

  /** Resizes an RGB image to {@code width} x {@code height} with Pillow's bilinear filter. */
  public static RgbImage resize(RgbImage img, int width, int height) {
    return resize(img, width, height, Filter.BILINEAR);
  }

  /** Resizes an RGB image to {@code width} x {@code height} with one of Pillow's filters. */
  public static RgbImage resize(RgbImage img, int width, int height, Filter filter) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
    }
    int inW = img.width();
    int inH = img.height();
    byte[] src = new byte[inW * inH * 3];
    img.pixels().get(src);
    byte[] cur = src;
    int curW = inW;
    int curH = inH;
    if (width != inW) {
      Coeffs c = Coeffs.of(inW, width, filter);
      byte[] out = new byte[width * curH * 3];
      final byte[] in = cur;
      final int w0 = curW;
      IntStream.range(0, curH).parallel().forEach(y -> horizontalRow(in, w0, y, out, width, c));
      cur = out;
      curW = width;
    }
    if (height != inH) {
      Coeffs c = Coeffs.of(inH, height, filter);
      byte[] out = new byte[curW * height * 3];
      // widened once, so that the row sums below are int products the JIT vectorizes
      int[] in = new int[cur.length];
      final byte[] narrow = cur;
      final int w0 = curW;
      IntStream.range(0, curH).parallel().forEach(y -> {
        for (int i = y * w0 * 3; i < (y + 1) * w0 * 3; i++) {
          in[i] = narrow[i] & 0xff;
        }
      });
      IntStream.range(0, height).parallel().forEach(y -> verticalRow(in, w0, y, out, c));
      cur = out;
      curH = height;
    }
    return RgbImage.of(curW, curH, cur);
  }

  private static void horizontalRow(byte[] in, int inW, int y, byte[] out, int outW, Coeffs c) {
    int rowIn = y * inW * 3;
    int rowOut = y * outW * 3;
    for (int x = 0; x < outW; x++) {
      int min = c.bounds[2 * x];
      int n = c.bounds[2 * x + 1];
      int k = x * c.ksize;
      int s0 = 1 << (PRECISION_BITS - 1);
      int s1 = s0;
      int s2 = s0;
      for (int i = 0; i < n; i++) {
        int p = rowIn + (min + i) * 3;
        int w = c.kk[k + i];
        s0 += (in[p] & 0xff) * w;
        s1 += (in[p + 1] & 0xff) * w;
        s2 += (in[p + 2] & 0xff) * w;
      }
      out[rowOut + x * 3] = clip8(s0);
      out[rowOut + x * 3 + 1] = clip8(s1);
      out[rowOut + x * 3 + 2] = clip8(s2);
    }
  }

  /** One output row as the sum of its input rows, tap by tap (integer sums: any order is exact). */
  private static void verticalRow(int[] in, int w, int y, byte[] out, Coeffs c) {
    int min = c.bounds[2 * y];
    int n = c.bounds[2 * y + 1];
    int k = y * c.ksize;
    int len = w * 3;
    int[] acc = new int[len];
    java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
    for (int i = 0; i < n; i++) {
      int row = (min + i) * len;
      int wt = c.kk[k + i];
      for (int x = 0; x < len; x++) {
        acc[x] += in[row + x] * wt;
      }
    }
    int rowOut = y * len;
    for (int x = 0; x < len; x++) {
      out[rowOut + x] = clip8(acc[x]);
    }
  }

  private static byte clip8(int v) {
    if (v >= (1 << PRECISION_BITS << 8)) {
      return (byte) 255;
    }
    if (v <= 0) {
      return 0;
    }
    return (byte) (v >> PRECISION_BITS);
  }

  /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
  private static final class Coeffs {
    final int ksize;
    final int[] bounds;
    final int[] kk;

    private Coeffs(int ksize, int[] bounds, int[] kk) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.kk = kk;
    }

    static Coeffs of(int inSize, int outSize, Filter filter) {
      double scale = (double) inSize / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = filter.support * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[outSize * 2];
      int[] kk = new int[outSize * ksize];
      double[] k = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        double ww = 0.0;
        double ss = 1.0 / filterscale;
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        for (int x = 0; x < xmax; x++) {
          double w = filter.weight((x + xmin - center + 0.5) * ss);
          k[x] = w;
          ww += w;
        }
        for (int x = 0; x < ksize; x++) {
          double v = x < xmax && ww != 0.0 ? k[x] / ww : (x < xmax ? k[x] : 0.0);
          kk[xx * ksize + x] = v < 0
              ? (int) (-0.5 + v * (1 << PRECISION_BITS))
              : (int) (0.5 + v * (1 << PRECISION_BITS));
        }
        bounds[xx * 2] = xmin;
        bounds[xx * 2 + 1] = xmax;
      }
      return new Coeffs(ksize, bounds, kk);
    }
  }

}
