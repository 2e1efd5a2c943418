package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.NodeBuilder;
import io.sam4j.graph.Value;

/** {@code nn.Conv2d} with a square kernel on NCHW, as an ONNX {@code Conv}. */
public final class Conv2d {
  private Conv2d() {}

  /**
   * The convolution {@code prefix.weight} [out, in/groups, k, k], with {@code prefix.bias} when the
   * checkpoint has one.
   */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x, int stride,
      int pad, int groups) {
    Tensor w = sd.get(prefix + ".weight");
    String bias = prefix + ".bias";
    Value b = sd.has(bias) ? g.weight(bias, sd.get(bias)) : null;
    return apply(g, x, g.weight(prefix + ".weight", w), b, w.dim(2), stride, pad, groups);
  }

  /** A convolution with given weight and bias (null for none) initializers. */
  public static Value apply(GraphBuilder g, Value x, Value w, Value b, int k, int stride, int pad,
      int groups) {
    if (g.rewriter() != null) {
      Value y = g.rewriter().conv(g, w.name(), x, g.initializerFloats(w), g.initializerDims(w), b,
          stride, pad, groups);
      if (y != null) {
        return y;
      }
    }
    NodeBuilder n = b == null ? g.node("Conv", x, w) : g.node("Conv", x, w, b);
    return n.attrInts("kernel_shape", (long) k, k).attrInts("strides", (long) stride, stride)
        .attrInts("pads", (long) pad, pad, pad, pad).attr("group", (long) groups).out();
  }
}
