package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;

/**
 * The geometry / exemplar encoder, {@code geometry_encoders.SequenceGeometryEncoder} as SAM 3
 * builds it. Prompt points (normalised xy) and boxes (normalised cxcywh) become tokens, points
 * first, then boxes, then a CLS token:
 * <ul>
 *   <li>point: {@code points_direct_project(xy)} + {@code points_pool_project(grid_sample)} of the
 *       normalised image features at {@code 2 xy - 1} (bilinear, {@code align_corners=False}) +
 *       {@code points_pos_enc_project([enc(x), enc(y)])} + {@code label_embed[label]};</li>
 *   <li>box: {@code boxes_direct_project(cxcywh)} + {@code boxes_pool_project} (a 7x7 convolution)
 *       of RoIAlign 7x7 on the normalised features with the xyxy box times (W, H, W, H)
 *       ({@code aligned=False}, adaptive sampling) + {@code boxes_pos_enc_project([enc(cy),
 *       enc(cx), h, w])} + {@code label_embed[label]};</li>
 * </ul>
 * then {@code norm(final_proj(.))}, {@link TransformerEncoderLayer}s cross-attending to the raw
 * image tokens (position encoding on the keys) and {@code encode_norm}. The features the prompts
 * sample are {@code img_pre_norm} (LayerNorm) of the last level. Labels: 1 positive, 0 negative.
 * Keys {@code geometry_encoder.*}.
 */
public final class SequenceGeometryEncoder {
  private static final String P = "geometry_encoder";
  private static final float EPS = 1e-5f;
  private final Layers nn;
  private final Sam3Spec.Geometry spec;
  private final int side;

  /** @param side the last level's side (the token grid) */
  public SequenceGeometryEncoder(Layers nn, Sam3Spec.Geometry spec, int side) {
    this.nn = nn;
    this.spec = spec;
    this.side = side;
  }

  /**
   * The prompt tokens.
   *
   * @param image [1, HW, d] the last level, flattened
   * @param imagePos [1, HW, d] its position encoding
   * @param points [1, Np, 2] and {@code pointLabels} [1, Np, 1] (0 or 1); Np may be 0
   * @param boxes [1, Nb, 4] and {@code boxLabels} [1, Nb, 1]; Nb may be 0
   * @return [1, Np + Nb + 1, d]
   */
  public Value build(Value image, Value imagePos, Value points, Value pointLabels, Value boxes,
      Value boxLabels) {
    GraphBuilder g = nn.g;
    int d = spec.dModel();
    Value normed = nn.layerNorm(P + ".img_pre_norm", image, EPS);
    Value nchw = nn.reshape(nn.transpose(normed, 0, 2, 1), 1, d, side, side);
    Value x = g.node("Concat", points(nchw, points, pointLabels), boxes(nchw, boxes, boxLabels),
        nn.reshape(nn.weight(P + ".cls_embed.weight"), 1, 1, d)).attr("axis", 1L).out();
    x = nn.layerNorm(P + ".norm", nn.linear(P + ".final_proj", x), EPS);
    for (int i = 0; i < spec.numLayers(); i++) {
      x = new TransformerEncoderLayer(nn, P + ".encode." + i, spec.numHeads())
          .build(x, null, image, imagePos, null);
    }
    return nn.layerNorm(P + ".encode_norm", x, EPS);
  }

  private Value points(Value nchw, Value xy, Value labels) {
    GraphBuilder g = nn.g;
    Value direct = nn.linear(P + ".points_direct_project", xy);
    Value grid = nn.g.op("Sub", nn.mul(xy, g.scalar(2f)), g.scalar(1f)); // [1, Np, 2]
    Value grid4 = g.op("Unsqueeze", grid, g.ints(2)); // [1, Np, 1, 2]
    Value sampled = g.node("GridSample", nchw, grid4).attr("mode", "bilinear")
        .attr("padding_mode", "zeros").attr("align_corners", 0L).out(); // [1, d, Np, 1]
    sampled = nn.transpose(g.op("Squeeze", sampled, g.ints(3)), 0, 2, 1); // [1, Np, d]
    Value pool = nn.linear(P + ".points_pool_project", sampled);
    Value x = nn.slice(xy, 2, 0, 1);
    Value y = nn.slice(xy, 2, 1, 2);
    Value enc = g.node("Concat", SinePositions.encode(nn, x, spec.dModel() / 2),
        SinePositions.encode(nn, y, spec.dModel() / 2)).attr("axis", 2L).out();
    Value pos = nn.linear(P + ".points_pos_enc_project", enc);
    return nn.add(label(labels), nn.add(nn.add(direct, pool), pos));
  }

  private Value boxes(Value nchw, Value cxcywh, Value labels) {
    GraphBuilder g = nn.g;
    int d = spec.dModel();
    int r = spec.roiSize();
    Value direct = nn.linear(P + ".boxes_direct_project", cxcywh);
    Value cx = nn.slice(cxcywh, 2, 0, 1);
    Value cy = nn.slice(cxcywh, 2, 1, 2);
    Value w = nn.slice(cxcywh, 2, 2, 3);
    Value h = nn.slice(cxcywh, 2, 3, 4);
    Value xyxy = Boxes.cxcywhToXyxy(nn, cxcywh);
    Value rois = nn.reshape(nn.mul(xyxy, g.floats(new float[] {side, side, side, side}, 4)), -1, 4);
    Value batch = g.node("Cast", nn.mul(nn.reshape(nn.slice(rois, 1, 0, 1), -1), g.scalar(0f)))
        .attr("to", 7L).out();
    Value pooled = g.node("RoiAlign", nchw, rois, batch).attr("mode", "avg")
        .attr("output_height", (long) r).attr("output_width", (long) r)
        .attr("sampling_ratio", 0L).attr("spatial_scale", 1f)
        .attr("coordinate_transformation_mode", "output_half_pixel").out(); // [Nb, d, r, r]
    Value pool = nn.reshape(nn.conv2d(P + ".boxes_pool_project", pooled, 1, 0, 1), 1, -1, d);
    Value enc = g.node("Concat", SinePositions.encode(nn, cy, d / 2),
        SinePositions.encode(nn, cx, d / 2), h, w).attr("axis", 2L).out();
    Value pos = nn.linear(P + ".boxes_pos_enc_project", enc);
    return nn.add(label(labels), nn.add(nn.add(direct, pool), pos));
  }

  /** {@code label_embed[label]} for labels 0 / 1 as {@code (1 - l) e0 + l e1} (exact). */
  private Value label(Value labels) {
    GraphBuilder g = nn.g;
    float[] table = nn.sd.get(P + ".label_embed.weight").toFloatArray();
    int d = spec.dModel();
    Value e0 = g.weight(P + ".label_embed.0", java.util.Arrays.copyOfRange(table, 0, d), d);
    Value e1 = g.weight(P + ".label_embed.1", java.util.Arrays.copyOfRange(table, d, 2 * d), d);
    return nn.add(nn.mul(g.op("Sub", g.scalar(1f), labels), e0), nn.mul(labels, e1));
  }
}
