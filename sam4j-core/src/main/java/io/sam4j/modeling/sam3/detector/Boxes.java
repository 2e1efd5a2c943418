package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/** Box arithmetic of the reference ({@code box_ops}, {@code inverse_sigmoid}) as graph nodes. */
final class Boxes {
  private Boxes() {}

  /** {@code box_cxcywh_to_xyxy} on the last axis: (cx - w/2, cy - h/2, cx + w/2, cy + h/2). */
  static Value cxcywhToXyxy(Layers nn, Value b) {
    GraphBuilder g = nn.g;
    Value cx = nn.slice(b, -1, 0, 1);
    Value cy = nn.slice(b, -1, 1, 2);
    Value hw = nn.mul(nn.slice(b, -1, 2, 3), g.scalar(0.5f));
    Value hh = nn.mul(nn.slice(b, -1, 3, 4), g.scalar(0.5f));
    return g.node("Concat", g.op("Sub", cx, hw), g.op("Sub", cy, hh), nn.add(cx, hw),
        nn.add(cy, hh)).attr("axis", -1L).out();
  }

  /** {@code inverse_sigmoid(x, eps=1e-3)}: {@code log(max(x, eps) / max(1 - x, eps))}, x in [0, 1]. */
  static Value inverseSigmoid(Layers nn, Value x) {
    GraphBuilder g = nn.g;
    Value c = g.op("Clip", x, g.scalar(0f), g.scalar(1f));
    Value x1 = g.op("Max", c, g.scalar(1e-3f));
    Value x2 = g.op("Max", g.op("Sub", g.scalar(1f), c), g.scalar(1e-3f));
    return g.op("Log", g.op("Div", x1, x2));
  }
}
