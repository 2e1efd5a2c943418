package io.sam4j.transform;

/**
 * PyTorch's {@code F.interpolate(x, size, mode="bilinear", align_corners=False, antialias=True)}
 * on float32 CHW planes ({@code _upsample_bilinear2d_aa}), as torchvision's {@code Resize} on a
 * float tensor does from 0.17. Per axis and output index i: {@code scale = in / out} (float32),
 * {@code center = scale * (i + 0.5)}, support {@code max(scale, 1)}, taps
 * {@code [int(center - support + 0.5), int(center + support + 0.5))} clipped to the input, triangle
 * weights {@code 1 - |(j - center + 0.5) / max(scale, 1)|} normalised to sum 1 (upscaling is thus
 * plain half-pixel bilinear, shrinking a box-widened triangle filter). The width pass runs first,
 * then the height pass on its float32 result; an axis whose size does not change is not touched.
 * All arithmetic is float32 in PyTorch's order.
 */
public final class AntialiasedResize {
  private AntialiasedResize() {}

  /**
   * Resizes {@code channels} planes of {@code h x w} to {@code outH x outW}.
   *
   * @param chw [channels, h, w] row-major
   * @return [channels, outH, outW] row-major
   */
  public static float[] resize(float[] chw, int channels, int h, int w, int outH, int outW) {
    if (h <= 0 || w <= 0 || outH <= 0 || outW <= 0 || chw.length != (long) channels * h * w) {
      throw new IllegalArgumentException("cannot resize " + channels + "x" + h + "x" + w + " ("
          + chw.length + " values) to " + outH + "x" + outW);
    }
    float[] x = chw;
    if (outW != w) {
      Taps t = taps(w, outW);
      float[] y = new float[channels * h * outW];
      for (int row = 0; row < channels * h; row++) {
        for (int o = 0; o < outW; o++) {
          y[row * outW + o] = t.apply(x, row * w, 1, o);
        }
      }
      x = y;
    }
    if (outH != h) {
      Taps t = taps(h, outH);
      float[] y = new float[channels * outH * outW];
      for (int c = 0; c < channels; c++) {
        int base = c * h * outW;
        for (int o = 0; o < outH; o++) {
          for (int col = 0; col < outW; col++) {
            y[(c * outH + o) * outW + col] = t.apply(x, base + col, outW, o);
          }
        }
      }
      x = y;
    }
    return x == chw ? chw.clone() : x;
  }

  /** Per output index: first input index, count and normalised weights. */
  private record Taps(int[] min, int[] size, float[][] weights) {
    float apply(float[] src, int offset, int stride, int o) {
      float[] wt = weights[o];
      int p = offset + min[o] * stride;
      float t = src[p] * wt[0];
      for (int j = 1; j < size[o]; j++) {
        t += src[p + j * stride] * wt[j];
      }
      return t;
    }
  }

  private static Taps taps(int in, int out) {
    float scale = (float) in / out;
    float support = scale >= 1f ? scale : 1f;
    float invscale = scale >= 1f ? 1f / scale : 1f;
    int[] min = new int[out];
    int[] size = new int[out];
    float[][] weights = new float[out][];
    for (int i = 0; i < out; i++) {
      // C++ promotes to double where a literal 0.5 takes part, then stores float32
      float center = (float) (scale * (i + 0.5));
      int xmin = Math.max((int) ((center - support) + 0.5), 0);
      int xsize = Math.min((int) ((center + support) + 0.5), in) - xmin;
      float[] w = new float[Math.max(xsize, 1)];
      float total = 0f;
      for (int j = 0; j < xsize; j++) {
        float a = Math.abs((float) (((float) (j + xmin) - center + 0.5) * invscale));
        w[j] = a < 1f ? 1f - a : 0f;
        total += w[j];
      }
      if (total != 0f) {
        for (int j = 0; j < xsize; j++) {
          w[j] /= total;
        }
      }
      min[i] = xmin;
      size[i] = Math.max(xsize, 1);
      weights[i] = w;
    }
    return new Taps(min, size, weights);
  }
}
