package io.sam4j.modeling.nn;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/** {@code nn.GELU()}: the exact form {@code x * 0.5 * (1 + erf(x / sqrt(2)))}. */
public final class Gelu {
  private Gelu() {}

  /** GELU of {@code x}, elementwise. */
  public static Value build(GraphBuilder g, Value x) {
    if (g.rewriter() != null) {
      Value y = g.rewriter().gelu(g, x);
      if (y != null) {
        return y;
      }
    }
    if (g.rewriter() != null && !g.portable()) {
      // ONNX Runtime fuses the erf form into this operator in float32 graphs, but not between the
      // quantize and dequantize nodes of quantized ones: written fused there
      return g.node("Gelu", x).domain("com.microsoft").out();
    }
    Value e = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2.0))));
    return g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", e, g.scalar(1f)));
  }
}
