package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * {@code model_misc.gen_sineembed_for_position} of cxcywh boxes: the sine encodings
 * ({@link SinePositions}) of y, x, w, h in that order, {@code feats} channels each.
 */
final class QuerySine {
  private QuerySine() {}

  /**
   * @param boxes [1, Q, 4] cxcywh
   * @return [1, Q, 4 * feats]
   */
  static Value encode(Layers nn, Value boxes, int feats) {
    GraphBuilder g = nn.g;
    Value x = SinePositions.encode(nn, nn.slice(boxes, 2, 0, 1), feats);
    Value y = SinePositions.encode(nn, nn.slice(boxes, 2, 1, 2), feats);
    Value w = SinePositions.encode(nn, nn.slice(boxes, 2, 2, 3), feats);
    Value h = SinePositions.encode(nn, nn.slice(boxes, 2, 3, 4), feats);
    return g.node("Concat", y, x, w, h).attr("axis", 2L).out();
  }
}
