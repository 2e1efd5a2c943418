package io.sam4j.modeling.nn;

/**
 * PyTorch's {@code F.interpolate(x, size, mode="bicubic", align_corners=False)} on the CPU, in
 * float32 and in its order of operations (cubic convolution with A = -0.75, source index
 * {@code (dst + 0.5) * in / out - 0.5} unclamped, taps clamped to the border; each of the four
 * source rows interpolated along the width, then the rows along the height). The reference
 * encoders use it for position embeddings learned at another resolution; here it runs once when a
 * graph is built, so the result is a constant.
 */
public final class TorchBicubic {
  private static final float A = -0.75f;

  private TorchBicubic() {}

  /**
   * Resizes {@code channels} planes.
   *
   * @param x planes [channels, inH, inW], row-major
   * @return planes [channels, outH, outW]
   */
  public static float[] resize(float[] x, int channels, int inH, int inW, int outH, int outW) {
    if (x.length != channels * inH * inW) {
      throw new IllegalArgumentException(x.length + " values are not " + channels + " x " + inH
          + " x " + inW);
    }
    int[][] ix = new int[outW][4];
    float[][] wx = new float[outW][];
    taps(inW, outW, ix, wx);
    int[][] iy = new int[outH][4];
    float[][] wy = new float[outH][];
    taps(inH, outH, iy, wy);
    float[] out = new float[channels * outH * outW];
    for (int c = 0; c < channels; c++) {
      int plane = c * inH * inW;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          float acc = 0;
          for (int j = 0; j < 4; j++) {
            int row = plane + iy[oy][j] * inW;
            float t = x[row + ix[ox][0]] * wx[ox][0];
            for (int i = 1; i < 4; i++) {
              t += x[row + ix[ox][i]] * wx[ox][i];
            }
            acc = j == 0 ? t * wy[oy][0] : acc + t * wy[oy][j];
          }
          out[(c * outH + oy) * outW + ox] = acc;
        }
      }
    }
    return out;
  }

  /** The four clamped source indices and weights of every output index along one axis. */
  private static void taps(int in, int out, int[][] idx, float[][] w) {
    float scale = (float) in / out;
    for (int o = 0; o < out; o++) {
      float real = scale * (o + 0.5f) - 0.5f;
      int i0 = (int) Math.floor(real);
      float t = real - i0;
      for (int j = 0; j < 4; j++) {
        idx[o][j] = Math.min(Math.max(i0 - 1 + j, 0), in - 1);
      }
      w[o] = coefficients(t);
    }
  }

  /** {@code get_cubic_upsample_coefficients}: the weights of taps -1, 0, 1, 2 at offset t. */
  static float[] coefficients(float t) {
    float x2 = 1.0f - t;
    return new float[] {far(t + 1.0f), near(t), near(x2), far(x2 + 1.0f)};
  }

  /** {@code cubic_convolution1}: |x| <= 1. */
  private static float near(float x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  /** {@code cubic_convolution2}: 1 < |x| < 2. */
  private static float far(float x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }
}
