package io.sam4j.modeling;

import io.sam4j.SamException;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * The mask decoders' {@code output_upscaling} (2x2 stride-2 transposed convolution, LayerNorm2d,
 * GELU, transposed convolution, GELU; SAM 2 adds its high-resolution features after each
 * convolution) and the product with the hypernetworks' outputs, on channels-last image tokens
 * without ever putting pixels in image order: each transposed convolution is one matrix product
 * with the bias ({@code Gemm}) that keeps a pixel's four sub-pixels together, and the logits come
 * out in sub-pixel order [B, 16 hw, M], rows (y, x, ki, kj, ki2, kj2) for the low-res pixel
 * (4y + 2ki + ki2, 4x + 2kj + kj2); {@link io.sam4j.modeling.sam.SamGraphs#subPixelToImage} reorders them in Java.
 */
public final class SubPixelUpscaling {
  private SubPixelUpscaling() {}

  /**
   * @param prefix the {@code output_upscaling} module's key prefix
   * @param keys image tokens after the transformer [B, hw, C]
   * @param hyperIn the hypernetworks' outputs [B, M, C/8]
   * @param skip1 SAM 2's features added after the first convolution, in sub-pixel order
   *     [1, hw, 4, C/4] (see {@link #skip1Order}), or null
   * @param skip0 features added after the second, [1, 4 hw, 4, C/8] (see {@link #skip0Order}),
   *     or null
   * @return logits [B, 16 hw, M] in sub-pixel order
   */
  public static Value build(Layers nn, String prefix, Value keys, Value hyperIn, long hw,
      Value skip1, Value skip0) {
    GraphBuilder g = nn.g;
    Value up = subPixel(nn, prefix + ".0", keys, hw);
    if (skip1 != null) {
      up = nn.add(up, skip1);
    }
    up = nn.gelu(nn.layerNorm(prefix + ".1", up, 1e-6f));
    up = subPixel(nn, prefix + ".3", up, 4 * hw);
    if (skip0 != null) {
      up = nn.add(up, skip0);
    }
    up = nn.gelu(up);
    int upC = (int) nn.param(prefix + ".3", "bias").numel();
    Value flat = nn.reshape(up, 0, -1, upC);
    return nn.matmul(flat, nn.transpose(hyperIn, 0, 2, 1));
  }

  /** NCHW features [1, C, 2e, 2e] in the first convolution's sub-pixel order [1, e*e, 4, C]. */
  public static Value skip1Order(Layers nn, Value x, int channels, int e) {
    Value v = nn.reshape(x, 1, channels, e, 2, e, 2);
    return nn.reshape(nn.transpose(v, 0, 2, 4, 3, 5, 1), 1, (long) e * e, 4, channels);
  }

  /** NCHW features [1, C, 4e, 4e] in the second convolution's sub-pixel order [1, 4e*e, 4, C]. */
  public static Value skip0Order(Layers nn, Value x, int channels, int e) {
    // (c, y, ki, ki2, x, kj, kj2) -> (y, x, ki, kj, ki2, kj2, c)
    Value v = nn.reshape(x, 1, channels, e, 2, 2, e, 2, 2);
    return nn.reshape(nn.transpose(v, 0, 2, 5, 3, 6, 4, 7, 1), 1, 4L * e * e, 4, channels);
  }

  /**
   * A 2x2, stride-2 {@code nn.ConvTranspose2d} on channels-last input [B, pixels..., Cin] as one
   * matrix product with the bias (a {@code Gemm}: adding the bias separately was a slow broadcast
   * over 32 channels): output [B, pixels, 4, Cout], the four sub-pixels (ki, kj) of each pixel.
   */
  static Value subPixel(Layers nn, String prefix, Value x, long pixels) {
    Tensor w = nn.param(prefix, "weight");
    int cin = w.dim(0);
    int cout = w.dim(1);
    if (w.dim(2) != 2 || w.dim(3) != 2) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
          prefix + " is not a 2x2 transposed convolution");
    }
    // weight [Cin, Cout, kH, kW] -> [Cin, (kH, kW, Cout)]
    Value wm = nn.g.lazyWeight(prefix + ".weight.subpixel", new long[] {cin, 4L * cout}, () -> {
      float[] src = w.toFloatArray();
      float[] dst = new float[src.length];
      for (int i = 0; i < cin; i++) {
        for (int o = 0; o < cout; o++) {
          for (int k = 0; k < 4; k++) {
            dst[(i * 4 + k) * cout + o] = src[(i * cout + o) * 4 + k];
          }
        }
      }
      return dst;
    });
    float[] b = nn.param(prefix, "bias").toFloatArray();
    float[] tiled = new float[4 * cout];
    for (int k = 0; k < 4; k++) {
      System.arraycopy(b, 0, tiled, k * cout, cout);
    }
    Value y = nn.g.op("Gemm", nn.reshape(x, -1, cin), wm,
        nn.g.weight(prefix + ".bias.subpixel", tiled, 4L * cout));
    return nn.reshape(y, -1, pixels, 4, cout);
  }
}
