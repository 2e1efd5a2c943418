package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * The decoder's box relative-position bias ({@code TransformerDecoder._get_rpb_matrix}, boxRPB
 * "log"): for each query box (xyxy) and each feature row y = i / H (column x = j / W), the two
 * offsets {@code y - y0}, {@code y - y1} (and {@code x - x0}, {@code x - x1}) times 8, mapped by
 * {@code sign(d) log2(|d| + 1) / 3}, through {@code boxRPB_embed_y} ({@code _x}), an MLP to one
 * value per head; the bias of cell (i, j) is the sum of its row's and its column's. Result
 * [1, heads, Q, H * W], added to the image cross-attention's scores.
 */
final class BoxRelativePositionBias {
  private static final String P = "transformer.decoder";

  private BoxRelativePositionBias() {}

  /**
   * @param boxes [1, Q, 4] cxcywh in [0, 1]
   * @param h feature rows
   * @param w feature columns
   * @param heads the cross-attention's heads
   */
  static Value build(Layers nn, Value boxes, int h, int w, int heads) {
    GraphBuilder g = nn.g;
    Value xyxy = Boxes.cxcywhToXyxy(nn, boxes);
    Value ys = g.node("Concat", nn.slice(xyxy, 2, 1, 2), nn.slice(xyxy, 2, 3, 4))
        .attr("axis", 2L).out(); // [1, Q, 2]
    Value xs = g.node("Concat", nn.slice(xyxy, 2, 0, 1), nn.slice(xyxy, 2, 2, 3))
        .attr("axis", 2L).out();
    Value dy = embed(nn, P + ".boxRPB_embed_y", deltas(nn, ys, h, "h")); // [1, Q, H, heads]
    Value dx = embed(nn, P + ".boxRPB_embed_x", deltas(nn, xs, w, "w")); // [1, Q, W, heads]
    Value b = nn.add(g.op("Unsqueeze", dy, g.ints(3)), g.op("Unsqueeze", dx, g.ints(2)));
    b = nn.reshape(b, 1, 0, (long) h * w, heads);
    return nn.transpose(b, 0, 3, 1, 2);
  }

  /** {@code coords[i] - edge}, [1, Q, n, 2], log-scaled. */
  private static Value deltas(Layers nn, Value edges, int n, String axis) {
    GraphBuilder g = nn.g;
    float[] coords = new float[n];
    for (int i = 0; i < n; i++) {
      coords[i] = (float) i / n;
    }
    Value c = g.weight("boxrpb.coords_" + axis + "." + n, coords, 1, 1, n, 1);
    Value d = g.op("Sub", c, g.op("Unsqueeze", edges, g.ints(2)));
    Value d8 = nn.mul(d, g.scalar(8f));
    Value log2 = g.op("Div", g.op("Log", nn.add(g.op("Abs", d8), g.scalar(1f))),
        g.scalar((float) Math.log(2.0)));
    return g.op("Div", nn.mul(g.op("Sign", d8), log2), g.scalar(3f));
  }

  private static Value embed(Layers nn, String prefix, Value x) {
    return Mlp.build(nn, prefix, x, false);
  }
}
