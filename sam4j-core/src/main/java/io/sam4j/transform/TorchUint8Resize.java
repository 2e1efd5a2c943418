package io.sam4j.transform;

import io.sam4j.image.RgbImage;

/**
 * PyTorch's native uint8 kernel of {@code F.interpolate(x, size, mode="bilinear",
 * align_corners=False, antialias=True)} ({@code UpSampleKernel.cpp}, and its AVX2 twin
 * {@code UpSampleKernelAVXAntialias.h}, which compute the same numbers): what torchvision's
 * {@code v2.Resize} does to a uint8 image on a CPU with AVX2, and so what SAM 3's processor feeds its
 * network. Bit for bit:
 * <ul>
 *   <li>per axis, {@code scale = in / out} in double, support {@code max(scale, 1)}; output i has
 *       center {@code scale * (i + 0.5)}, taps from {@code max(int(center - support + 0.5), 0)} to
 *       {@code min(int(center + support + 0.5), in)}, triangle weights
 *       {@code 1 - |(j - center + 0.5) / max(scale, 1)|} normalised to sum 1 (Pillow's
 *       {@code precompute_coeffs});</li>
 *   <li>weights to int16 with one precision p per axis: the first p (from 0, at most 22) at which
 *       {@code int(0.5 + wmax * 2^(p+1))} reaches 2^15, wmax the axis' largest weight; each weight
 *       {@code w * 2^p} rounded half away from zero;</li>
 *   <li>each pass in integers: {@code clamp((2^(p-1) + sum in * w16) >> p, 0, 255)} stored as
 *       uint8, width first, then height; an axis whose size does not change is skipped.</li>
 * </ul>
 * Not Pillow's {@link PilResize} (22-bit int32 coefficients: about 0.1% of the values one grey
 * level away) and not the float kernel of {@link AntialiasedResize} (rounded once at the end: about
 * 13% one level away).
 */
public final class TorchUint8Resize {
  private TorchUint8Resize() {}

  /** Resizes an RGB image to {@code width} x {@code height}. */
  public static RgbImage resize(RgbImage img, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("cannot resize to " + width + "x" + height);
    }
    int w = img.width();
    int h = img.height();
    byte[] px = img.toByteArray();
    if (width != w) {
      px = horizontal(px, w, h, width);
      w = width;
    }
    if (height != h) {
      px = vertical(px, w, h, height);
    }
    return RgbImage.of(width, height, px);
  }

  private static byte[] horizontal(byte[] src, int w, int h, int outW) {
    Taps t = taps(w, outW);
    byte[] out = new byte[outW * h * 3];
    for (int y = 0; y < h; y++) {
      int row = y * w * 3;
      for (int o = 0; o < outW; o++) {
        short[] k = t.weights[o];
        for (int c = 0; c < 3; c++) {
          int acc = t.half;
          int p = row + t.min[o] * 3 + c;
          for (int j = 0; j < k.length; j++) {
            acc += (src[p + 3 * j] & 0xff) * k[j];
          }
          out[(y * outW + o) * 3 + c] = clip(acc >> t.precision);
        }
      }
    }
    return out;
  }

  private static byte[] vertical(byte[] src, int w, int h, int outH) {
    Taps t = taps(h, outH);
    int stride = w * 3;
    byte[] out = new byte[w * outH * 3];
    for (int o = 0; o < outH; o++) {
      short[] k = t.weights[o];
      int base = t.min[o] * stride;
      for (int x = 0; x < stride; x++) {
        int acc = t.half;
        for (int j = 0; j < k.length; j++) {
          acc += (src[base + j * stride + x] & 0xff) * k[j];
        }
        out[o * stride + x] = clip(acc >> t.precision);
      }
    }
    return out;
  }

  private static byte clip(int v) {
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  /** Per output index: first input index and int16 weights; the axis' precision and rounding. */
  private record Taps(int[] min, short[][] weights, int precision, int half) {}

  /**
   * {@code _compute_indices_min_size_weights_aa} in double, then
   * {@code _compute_index_ranges_int16_weights}.
   */
  static Taps taps(int in, int out) {
    double scale = (double) in / out;
    double support = scale >= 1.0 ? scale : 1.0;
    double invscale = scale >= 1.0 ? 1.0 / scale : 1.0;
    int maxSize = (int) Math.ceil(support) * 2 + 1;
    int[] min = new int[out];
    double[][] w = new double[out][];
    double wmax = 0;
    for (int i = 0; i < out; i++) {
      double center = scale * (i + 0.5);
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xsize = Math.min(Math.min((int) (center + support + 0.5), in) - xmin, maxSize);
      double[] wi = new double[Math.max(xsize, 0)];
      double total = 0;
      for (int j = 0; j < xsize; j++) {
        double a = Math.abs((j + xmin - center + 0.5) * invscale);
        wi[j] = a < 1.0 ? 1.0 - a : 0.0;
        total += wi[j];
      }
      if (total != 0.0) {
        for (int j = 0; j < xsize; j++) {
          wi[j] /= total;
          wmax = Math.max(wmax, wi[j]);
        }
      }
      min[i] = xmin;
      w[i] = wi;
    }
    int p = 0;
    for (; p < 22; p++) {
      if ((int) (0.5 + wmax * (1 << (p + 1))) >= (1 << 15)) {
        break;
      }
    }
    short[][] q = new short[out][];
    for (int i = 0; i < out; i++) {
      q[i] = new short[w[i].length];
      for (int j = 0; j < w[i].length; j++) {
        double v = w[i][j] * (1 << p);
        q[i][j] = (short) (int) (v < 0 ? v - 0.5 : v + 0.5);
      }
    }
    return new Taps(min, q, p, p == 0 ? 0 : 1 << (p - 1));
  }
}
