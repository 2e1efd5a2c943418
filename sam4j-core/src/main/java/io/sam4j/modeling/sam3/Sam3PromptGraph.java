package io.sam4j.modeling.sam3;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.backbone.Sam3DualViTDetNeck;
import io.sam4j.modeling.sam3.detector.DotProductScoring;
import io.sam4j.modeling.sam3.detector.SequenceGeometryEncoder;
import io.sam4j.modeling.sam3.detector.TransformerDecoder;
import io.sam4j.modeling.sam3.detector.TransformerEncoderFusion;
import io.sam4j.modeling.sam3.detector.UniversalSegmentationHead;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompt-dependent part of SAM 3's grounding forward ({@code Sam3Image.forward_grounding}),
 * run once per prompt over a cached image encoding and cached text features: the geometry
 * encoder, the prompt (text tokens then geometry tokens, with its padding mask), the fusion
 * encoder, the decoder, the dot-product scoring and the segmentation head. One graph serves every
 * prompt kind: the point and box counts are dynamic and may be 0 (a phrase alone), which gives
 * exactly the reference's sequences (points, boxes, CLS).
 *
 * <p>Inputs: the image encoder's levels {@code backbone_fpn_0..L-1}
 * ({@link Sam3ImageEncoder#FPN}, fed unchanged; the last one, [1, d, G, G], is the reference's
 * {@code vision_features}),
 * {@link #LANGUAGE_FEATURES} [T, 1, d], {@link #LANGUAGE_MASK} [1, T] additive (0 for a token,
 * -inf for padding), {@link #POINTS} [1, Np, 2] normalised xy with
 * {@link #POINT_LABELS} [1, Np, 1], {@link #BOXES} [1, Nb, 4] normalised cxcywh with
 * {@link #BOX_LABELS} [1, Nb, 1] (labels 1 positive, 0 negative). Outputs, sequence first as the
 * reference's: {@link #GEOMETRY_FEATURES} [Np + Nb + 1, 1, d], {@link #ENCODER_HIDDEN_STATES}
 * [GG, 1, d]; and as the reference's {@code out}: {@link #QUERIES} [1, Q, d], {@link #PRED_LOGITS}
 * [1, Q, 1] (clamped dot products, no presence), {@link #PRED_BOXES} [1, Q, 4] (normalised
 * cxcywh), {@link #PRESENCE_LOGIT_DEC} [1, 1] (raw), {@link #PRED_MASKS} [1, Q, 4G, 4G] logits,
 * {@link #SEMANTIC_SEG} [1, 1, 4G, 4G].
 */
public final class Sam3PromptGraph {
  public static final String LANGUAGE_FEATURES = "language_features";
  public static final String LANGUAGE_MASK = "language_mask";
  public static final String POINTS = "points";
  public static final String POINT_LABELS = "point_labels";
  public static final String BOXES = "boxes";
  public static final String BOX_LABELS = "box_labels";
  public static final String GEOMETRY_FEATURES = "geometry_features";
  public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
  public static final String QUERIES = "queries";
  public static final String PRED_LOGITS = "pred_logits";
  public static final String PRED_BOXES = "pred_boxes";
  public static final String PRESENCE_LOGIT_DEC = "presence_logit_dec";
  public static final String PRED_MASKS = "pred_masks";
  public static final String SEMANTIC_SEG = "semantic_seg";

  private Sam3PromptGraph() {}

  /**
   * The prompt graph.
   *
   * @param det the image model's weights
   */
  public static OnnxModel graph(StateDict det, Sam3Spec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_sam3_prompt");
    Layers nn = new Layers(g, det);
    int d = spec.neck().dModel();
    int grid = spec.vit().gridSize();
    int levels = spec.neck().levels();
    int side = Sam3DualViTDetNeck.levelSide(spec.neck(), grid, levels - 1);
    int t = spec.text().contextLength();
    List<Value> levelInputs = new ArrayList<>();
    for (int i = 0; i < levels; i++) {
      int si = Sam3DualViTDetNeck.levelSide(spec.neck(), grid, i);
      levelInputs.add(g.input(Sam3ImageEncoder.FPN + i, ElemType.FLOAT, 1, d, si, si));
    }
    Value vision = levelInputs.get(levels - 1);
    Value text = g.input(LANGUAGE_FEATURES, ElemType.FLOAT, t, 1, d);
    Value textMask = g.input(LANGUAGE_MASK, ElemType.FLOAT, 1, t);
    Value points = g.input(POINTS, ElemType.FLOAT, 1, "num_points", 2);
    Value pointLabels = g.input(POINT_LABELS, ElemType.FLOAT, 1, "num_points", 1);
    Value boxes = g.input(BOXES, ElemType.FLOAT, 1, "num_boxes", 4);
    Value boxLabels = g.input(BOX_LABELS, ElemType.FLOAT, 1, "num_boxes", 1);
    float[] pe = Sam3DualViTDetNeck.positionEncodings(spec.neck(), grid).get(levels - 1);
    Value pos = g.weight("vision_pos_enc.tokens", io.sam4j.modeling.Layers.transpose2d(pe, d,
        side * side), 1, (long) side * side, d);
    Value image = nn.transpose(nn.reshape(vision, 1, d, (long) side * side), 0, 2, 1);

    Value geo = new SequenceGeometryEncoder(nn, spec.geometry(), side)
        .build(image, pos, points, pointLabels, boxes, boxLabels);
    Value prompt = g.node("Concat", nn.transpose(text, 1, 0, 2), geo).attr("axis", 1L).out();
    Value geoMask = nn.mul(nn.reshape(nn.slice(geo, 2, 0, 1), 1, -1), g.scalar(0f));
    Value promptMask = nn.reshape(g.node("Concat", textMask, geoMask).attr("axis", 1L).out(),
        1, 1, 1, -1);
    Value memory = new TransformerEncoderFusion(nn, spec.encoder()).build(image, pos, prompt,
        promptMask);
    TransformerDecoder.Output dec = new TransformerDecoder(nn, spec.decoder(), side)
        .build(memory, pos, prompt, promptMask);
    Value valid = g.node("Cast", g.op("Equal", nn.reshape(promptMask, 1, -1, 1), g.scalar(0f)))
        .attr("to", 1L).out();
    Value logits = new DotProductScoring(nn, spec.scoring()).build(dec.queries(), prompt, valid);
    UniversalSegmentationHead.Output seg = new UniversalSegmentationHead(nn,
        spec.segmentationHead()).build(levelInputs, memory, prompt, promptMask, dec.queries());
    g.output(GEOMETRY_FEATURES, nn.transpose(geo, 1, 0, 2));
    g.output(ENCODER_HIDDEN_STATES, nn.transpose(memory, 1, 0, 2));
    g.output(QUERIES, dec.queries());
    g.output(PRED_LOGITS, logits);
    g.output(PRED_BOXES, dec.boxes());
    g.output(PRESENCE_LOGIT_DEC, dec.presenceLogit());
    g.output(PRED_MASKS, seg.predMasks());
    g.output(SEMANTIC_SEG, seg.semanticSeg());
    return g.build();
  }
}
