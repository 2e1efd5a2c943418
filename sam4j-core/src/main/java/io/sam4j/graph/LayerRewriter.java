package io.sam4j.graph;

/**
 * Replaces how the weighted layers of a graph are written, for quantization and calibration: the
 * model code asks the builder's rewriter (if any) before writing a linear layer or a convolution
 * the float32 way. A method returns null to keep the float32 form.
 */
public interface LayerRewriter {
  /**
   * {@code x @ W^T (+ bias)}.
   *
   * @param name the layer's state-dict prefix ({@code image_encoder.layers.1.blocks.0.mlp.fc1})
   * @param w the weight, row-major [out, in] (read only)
   * @param bias the bias initializer [out], or null
   * @return the layer's output, or null for the float32 form
   */
  Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in, Value bias);

  /**
   * A 2-D convolution with square kernel (NCHW).
   *
   * @param name the weight initializer's name
   * @param w the weight, row-major [out, in/groups, k, k] (read only)
   * @param bias the bias initializer [out], or null
   * @return the layer's output, or null for the float32 form
   */
  Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias, int stride,
      int pad, int groups);

  /**
   * {@code nn.GELU()} of {@code x}. Rewriters that keep activations quantized between layers
   * write it on integers; the default keeps the float32 form.
   *
   * @return the activation, or null for the float32 form
   */
  default Value gelu(GraphBuilder g, Value x) {
    return null;
  }
}
