package io.sam4j.modeling.nn;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * PyTorch's {@code F.interpolate(x, scale_factor=s, mode="bicubic", align_corners=False)} on NCHW
 * (EdgeSAM's {@code UpSampleLayer}): cubic convolution with A = -0.75, source coordinate
 * {@code (dst + 0.5) / s - 0.5}, the four taps clamped to the edge, no antialiasing.
 *
 * <p>Written as two products with fixed interpolation matrices, {@code A_h x A_w^T} ([oh, h] and
 * [ow, w], four non-zero taps a row, clamped taps merged): the same sums as PyTorch's (each row's
 * taps first, then the rows), within float rounding, and about 100 times faster than ONNX Runtime's
 * cubic {@code Resize} (500 ms for EdgeSAM's 256 x 32 x 32 map on two cores). That {@code Resize}
 * (mode cubic, {@code cubic_coeff_a} -0.75, half-pixel, {@code exclude_outside} 0) computes the
 * same function bit for bit, edges included ({@link #resize}); {@code BicubicUpsampleTest} holds
 * both to {@link #reference}.
 */
public final class BicubicUpsample {
  /** PyTorch's bicubic constant. */
  public static final float A = -0.75f;

  private BicubicUpsample() {}

  /** Upsamples the last two axes (h x w) of NCHW {@code x} by the integer {@code factor}. */
  public static Value build(GraphBuilder g, Value x, int h, int w, int factor) {
    Value rowsT = g.floats(transpose(matrix(w, factor), w * factor, w), w, (long) w * factor);
    Value cols = g.floats(matrix(h, factor), (long) h * factor, h);
    return g.op("MatMul", cols, g.op("MatMul", x, rowsT));
  }

  /**
   * The interpolation matrix [n * factor, n]: row o holds the four tap weights of output o, taps
   * beyond the edge added to the edge pixel's weight.
   */
  public static float[] matrix(int n, int factor) {
    int out = n * factor;
    float[] m = new float[out * n];
    float scale = 1f / factor;
    for (int o = 0; o < out; o++) {
      float r = (o + 0.5f) * scale - 0.5f;
      int i0 = (int) Math.floor(r);
      float[] wt = weights(r - i0);
      for (int k = 0; k < 4; k++) {
        int i = Math.min(Math.max(i0 - 1 + k, 0), n - 1);
        m[o * n + i] += wt[k];
      }
    }
    return m;
  }

  private static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = a[r * cols + c];
      }
    }
    return t;
  }

  /** The same upsampling as ONNX Runtime's cubic {@code Resize} (slow; for comparison). */
  public static Value resize(GraphBuilder g, Value x, int factor) {
    Value scales = g.floats(new float[] {1f, 1f, factor, factor}, 4);
    return g.node("Resize", x, null, scales).attr("mode", "cubic")
        .attr("cubic_coeff_a", A)
        .attr("coordinate_transformation_mode", "half_pixel")
        .attr("exclude_outside", 0L).out();
  }

  /**
   * The four tap weights PyTorch uses for the fractional offset {@code t} in [0, 1), for the
   * taps at {@code floor - 1 .. floor + 2}.
   */
  public static float[] weights(float t) {
    return new float[] {cubic2(t + 1f), cubic1(t), cubic1(1f - t), cubic2(2f - t)};
  }

  private static float cubic1(float x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  private static float cubic2(float x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }

  /**
   * PyTorch's CPU bicubic upsampling of {@code planes} H x W planes by {@code factor}, in float as
   * PyTorch computes it (for each output, the column sums of each of the four rows, then the row
   * sum): the ground truth for the graph above.
   */
  public static float[] reference(float[] x, int planes, int h, int w, int factor) {
    int oh = h * factor;
    int ow = w * factor;
    float[] out = new float[planes * oh * ow];
    float scale = 1f / factor;
    for (int p = 0; p < planes; p++) {
      int base = p * h * w;
      for (int oy = 0; oy < oh; oy++) {
        float ry = (oy + 0.5f) * scale - 0.5f;
        int iy = (int) Math.floor(ry);
        float[] wy = weights(ry - iy);
        for (int ox = 0; ox < ow; ox++) {
          float rx = (ox + 0.5f) * scale - 0.5f;
          int ix = (int) Math.floor(rx);
          float[] wx = weights(rx - ix);
          float sum = 0;
          for (int i = 0; i < 4; i++) {
            int yy = Math.min(Math.max(iy - 1 + i, 0), h - 1);
            float row = 0;
            for (int j = 0; j < 4; j++) {
              int xx = Math.min(Math.max(ix - 1 + j, 0), w - 1);
              row += wx[j] * x[base + yy * w + xx];
            }
            sum += wy[i] * row;
          }
          out[p * oh * ow + oy * ow + ox] = sum;
        }
      }
    }
    return out;
  }
}
