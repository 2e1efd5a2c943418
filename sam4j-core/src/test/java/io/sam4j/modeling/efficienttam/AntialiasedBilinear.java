package io.sam4j.modeling.efficienttam;

/**
 * Test-side PyTorch {@code F.interpolate(x, size, mode="bilinear", align_corners=False,
 * antialias=True)} on the CPU (torchvision >= 0.17's {@code Resize} of a float tensor): a
 * triangle filter widened by the scale when shrinking, weights normalized per output pixel,
 * along the width first, then the height, in float32.
 */
final class AntialiasedBilinear {
  private AntialiasedBilinear() {}

  /** Planes [c, inH, inW] to [c, outH, outW]. */
  static float[] resize(float[] x, int c, int inH, int inW, int outH, int outW) {
    Taps tx = taps(inW, outW);
    Taps ty = taps(inH, outH);
    float[] mid = new float[c * inH * outW];
    for (int p = 0; p < c * inH; p++) {
      for (int o = 0; o < outW; o++) {
        float acc = 0;
        for (int j = 0; j < tx.size[o]; j++) {
          acc += x[p * inW + tx.min[o] + j] * tx.w[o][j];
        }
        mid[p * outW + o] = acc;
      }
    }
    float[] out = new float[c * outH * outW];
    for (int ch = 0; ch < c; ch++) {
      for (int o = 0; o < outH; o++) {
        for (int xx = 0; xx < outW; xx++) {
          float acc = 0;
          for (int j = 0; j < ty.size[o]; j++) {
            acc += mid[(ch * inH + ty.min[o] + j) * outW + xx] * ty.w[o][j];
          }
          out[(ch * outH + o) * outW + xx] = acc;
        }
      }
    }
    return out;
  }

  private record Taps(int[] min, int[] size, float[][] w) {}

  private static Taps taps(int in, int out) {
    float scale = (float) in / out;
    float support = scale >= 1 ? scale : 1f;
    float invscale = scale >= 1 ? 1f / scale : 1f;
    int[] min = new int[out];
    int[] size = new int[out];
    float[][] w = new float[out][];
    for (int i = 0; i < out; i++) {
      float center = scale * (i + 0.5f);
      int xmin = Math.max((int) (center - support + 0.5f), 0);
      int xsize = Math.min((int) (center + support + 0.5f), in) - xmin;
      float[] wt = new float[xsize];
      float total = 0;
      for (int j = 0; j < xsize; j++) {
        float v = Math.max(0f, 1f - Math.abs((j + xmin - center + 0.5f) * invscale));
        wt[j] = v;
        total += v;
      }
      for (int j = 0; j < xsize; j++) {
        wt[j] = total != 0 ? wt[j] / total : 0;
      }
      min[i] = xmin;
      size[i] = xsize;
      w[i] = wt;
    }
    return new Taps(min, size, w);
  }
}
