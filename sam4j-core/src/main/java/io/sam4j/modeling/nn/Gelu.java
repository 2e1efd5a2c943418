package io.sam4j.modeling.nn;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/** {@code nn.GELU()}: the exact form {@code x * 0.5 * (1 + erf(x / sqrt(2)))}. */
public final class Gelu {
  private Gelu() {}

  /** GELU of {@code x}, elementwise. */
  public static Value build(GraphBuilder g, Value x) {
    Value e = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2.0))));
    return g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", e, g.scalar(1f)));
  }
}
