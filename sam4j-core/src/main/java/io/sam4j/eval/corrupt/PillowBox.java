package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;

/**
 * Pillow 9.4's {@code Image.resize(size, Image.BOX)} for 8-bit RGB ({@code libImaging/Resample.c}):
 * box-filter coefficients normalised per output pixel, converted to 22-bit fixed point, a
 * horizontal pass then a vertical pass, each rounded and clipped to 8 bits. Ported for bit parity
 * with the reference's {@code pixelate}; AWT's scalers use other kernels.
 */
final class PillowBox {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private PillowBox() {}

  /** Resizes an image with Pillow's BOX filter. */
  static RgbImage resize(RgbImage img, int outW, int outH) {
    int w = img.width();
    int h = img.height();
    int[] px = new int[w * h * 3];
    byte[] b = img.toByteArray();
    for (int i = 0; i < px.length; i++) {
      px[i] = b[i] & 0xff;
    }
    if (outW != w) {
      px = pass(px, w, h, outW, true);
      w = outW;
    }
    if (outH != h) {
      px = pass(px, w, h, outH, false);
      h = outH;
    }
    byte[] out = new byte[px.length];
    for (int i = 0; i < px.length; i++) {
      out[i] = (byte) px[i];
    }
    return RgbImage.of(w, h, out);
  }

  private static int[] pass(int[] in, int w, int h, int outSize, boolean horizontal) {
    int inSize = horizontal ? w : h;
    double scale = (double) inSize / outSize;
    double filterscale = Math.max(scale, 1.0);
    double support = 0.5 * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    int[] kk = new int[outSize * ksize];
    int[] bounds = new int[outSize * 2];
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
      java.util.Arrays.fill(k, 0);
      for (int x = 0; x < xmax; x++) {
        double t = (x + xmin - center + 0.5) * ss;
        double wv = t > -0.5 && t <= 0.5 ? 1.0 : 0.0;
        k[x] = wv;
        ww += wv;
      }
      for (int x = 0; x < xmax; x++) {
        if (ww != 0.0) {
          k[x] /= ww;
        }
      }
      for (int x = 0; x < ksize; x++) {
        double v = k[x] * (1 << PRECISION_BITS);
        kk[xx * ksize + x] = (int) (v < 0 ? -0.5 + v : 0.5 + v);
      }
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    int ow = horizontal ? outSize : w;
    int oh = horizontal ? h : outSize;
    int[] out = new int[ow * oh * 3];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int o = horizontal ? x : y;
        int min = bounds[o * 2];
        int max = bounds[o * 2 + 1];
        for (int c = 0; c < 3; c++) {
          long s = 1L << (PRECISION_BITS - 1);
          for (int i = 0; i < max; i++) {
            int src = horizontal ? (y * w + min + i) * 3 + c : ((min + i) * w + x) * 3 + c;
            s += (long) in[src] * kk[o * ksize + i];
          }
          int v = (int) (s >> PRECISION_BITS);
          out[(y * ow + x) * 3 + c] = Math.min(255, Math.max(0, v));
        }
      }
    }
    return out;
  }
}
