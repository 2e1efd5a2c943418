package io.sam4j.modeling.sam2;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.SubPixelUpscaling;
import io.sam4j.modeling.nn.Mlp;
import io.sam4j.modeling.nn.StackedMlps;
import io.sam4j.modeling.sam.TwoWayTransformer;
import io.sam4j.modeling.sam2.config.Sam2HeadsSpec;

/**
 * SAM 2's {@code MaskDecoder} ({@code sam2/modeling/sam/mask_decoder.py}), keys under
 * {@code sam_mask_decoder.}: SAM's decoder plus an object-score token and head, high-resolution
 * skip features added during the upscaling, and IoU predictions through a sigmoid. The sizes are
 * the ones {@code SAM2Base._build_sam_heads} hard-codes: 4 mask tokens, a two-way transformer of
 * depth 2 with 8 heads, IoU head depth 3.
 *
 * <p>Token order: [obj_score (when {@code pred_obj_scores}), iou, 4 mask tokens, prompts]. The
 * graph always computes all four masks; the dynamic multimask choice (token 0's stability) is made
 * by the caller from the four low-res masks, as the reference's {@code forward} does after
 * {@code predict_masks}.
 */
public final class MaskDecoder {
  static final String P = "sam_mask_decoder";
  /** Mask tokens: the single-mask token 0 and the three multimask tokens. */
  public static final int NUM_MASK_TOKENS = 4;
  private static final int DEPTH = 2;
  /** Attention heads of the two-way transformer. */
  public static final int HEADS = 8;

  private final Layers nn;
  private final Sam2HeadsSpec heads;
  private final int dim;
  private final int embeddingSize;

  /**
   * @param dim the transformer dimension C (the model's hidden dimension)
   * @param embeddingSize the side e of the image embedding (e x e image tokens)
   */
  public MaskDecoder(Layers nn, Sam2HeadsSpec heads, int dim, int embeddingSize) {
    this.nn = nn;
    this.heads = heads;
    this.dim = dim;
    this.embeddingSize = embeddingSize;
  }

  /** The decoder's outputs, each for the whole batch B. */
  public record Outputs(Value lowResMasks, Value iou, Value objectScoreLogits,
      Value samTokensOut) {}

  /** The image side: embeddings plus dense prompt embeddings as tokens [B or 1, hw, C]. */
  public TwoWayTransformer.ImageSide imageSide(Value image, Value dense, Value peTokens, int e,
      boolean precomputeFirstBlock) {
    try (GraphBuilder.Scope s = nn.g.scope(P)) {
      return transformer().imageSide(nn.add(image, dense), peTokens, dim, (long) e * e,
          precomputeFirstBlock);
    }
  }

  /** The positional encoding [1, C, e, e] as tokens [1, hw, C]. */
  public Value peTokens(Value imagePe, int e) {
    return nn.transpose(nn.reshape(imagePe, 1, dim, (long) e * e), 0, 2, 1);
  }

  private TwoWayTransformer transformer() {
    return new TwoWayTransformer(nn, P + ".transformer", "layers.0", "layers.1", DEPTH, HEADS,
        (long) embeddingSize * embeddingSize);
  }

  /**
   * {@code predict_masks}.
   *
   * @param image the image side (see {@link #imageSide})
   * @param peTokens the positional encoding as tokens [1, hw, C]
   * @param sparse prompt tokens [B, N, C]
   * @param featS0 high-resolution features [1, C/8, 4e, 4e] (after {@code conv_s0}), or null
   * @param featS1 high-resolution features [1, C/4, 2e, 2e] (after {@code conv_s1}), or null
   * @param e the side of the embedding grid
   */
  public Outputs build(TwoWayTransformer.ImageSide image, Value peTokens, Value sparse,
      Value featS0, Value featS1, int e) {
    return build(image, peTokens, sparse, featS0, featS1, e, false);
  }

  /**
   * {@link #build} with the masks in sub-pixel order ({@link SubPixelUpscaling}): low-res logits
   * [B, 16 e*e, 4] with rows (y, x, ki, kj, ki2, kj2), for {@link io.sam4j.modeling.sam.SamGraphs#subPixelToImage}; the
   * transposed convolutions are matrix products on channels-last tokens.
   *
   * @param featS0 the high-resolution features in sub-pixel order
   *     ({@link SubPixelUpscaling#skip0Order}), or null
   * @param featS1 likewise ({@link SubPixelUpscaling#skip1Order}), or null
   */
  public Outputs buildSubPixel(TwoWayTransformer.ImageSide image, Value peTokens, Value sparse,
      Value featS0, Value featS1, int e) {
    return build(image, peTokens, sparse, featS0, featS1, e, true);
  }

  private Outputs build(TwoWayTransformer.ImageSide image, Value peTokens, Value sparse,
      Value featS0, Value featS1, int e, boolean subPixel) {
    GraphBuilder g = nn.g;
    int s = heads.predObjScores() ? 1 : 0;
    int outputs = s + 1 + NUM_MASK_TOKENS;
    Value hs;
    Value keys;
    try (GraphBuilder.Scope sc = g.scope(P)) {
      float[] out = new float[outputs * dim];
      if (s == 1) {
        copy(out, 0, P + ".obj_score_token.weight", 1);
      }
      copy(out, s, P + ".iou_token.weight", 1);
      copy(out, s + 1, P + ".mask_tokens.weight", NUM_MASK_TOKENS);
      Value outputTokens = g.floats(out, 1, outputs, dim);
      Value batch = g.node("Slice", g.op("Shape", sparse), g.ints(0), g.ints(1)).out();
      Value shape = g.node("Concat", batch, g.ints(outputs, dim)).attr("axis", 0L).out();
      Value tokens = g.node("Concat", g.op("Expand", outputTokens, shape), sparse)
          .attr("axis", 1L).out();
      Value[] qk = transformer().build(image, peTokens, tokens, outputs);
      hs = qk[0];
      keys = qk[1];
    }
    Value maskTokensOut = nn.slice(hs, 1, s + 1, s + 1 + NUM_MASK_TOKENS);
    Value hyperIn;
    String hp = P + ".output_hypernetworks_mlps";
    try (GraphBuilder.Scope sc = g.scope(hp)) {
      hyperIn = StackedMlps.build(g, nn.sd, hp, maskTokensOut, NUM_MASK_TOKENS, 3);
    }
    Value masks;
    if (subPixel) {
      try (GraphBuilder.Scope sc = g.scope(P + ".output_upscaling")) {
        masks = SubPixelUpscaling.build(nn, P + ".output_upscaling", keys, hyperIn,
            (long) e * e, featS1, featS0);
      }
    } else {
      masks = masks(keys, hyperIn, featS0, featS1, e);
    }
    Value iou;
    try (GraphBuilder.Scope sc = g.scope(P + ".iou_prediction_head")) {
      iou = Mlp.build(nn, P + ".iou_prediction_head", squeezeToken(hs, s), 3);
      if (heads.iouPredictionUseSigmoid()) {
        iou = g.op("Sigmoid", iou);
      }
    }
    Value score;
    try (GraphBuilder.Scope sc = g.scope(P + ".pred_obj_score_head")) {
      if (s == 1) {
        String h = P + ".pred_obj_score_head";
        Value t = squeezeToken(hs, 0);
        score = heads.predObjScoresMlp() ? Mlp.build(nn, h, t, 3) : nn.linear(h, t);
      } else {
        // no object-score head: 10 (present) for every prompt, as the reference
        Value batch = g.node("Slice", g.op("Shape", hs), g.ints(0), g.ints(1)).out();
        Value shape = g.node("Concat", batch, g.ints(1)).attr("axis", 0L).out();
        score = g.op("Expand", g.floats(new float[] {10f}, 1, 1), shape);
      }
    }
    return new Outputs(masks, iou, score, maskTokensOut);
  }

  private Value squeezeToken(Value hs, int index) {
    return nn.g.op("Squeeze", nn.slice(hs, 1, index, index + 1), nn.g.ints(1));
  }

  /**
   * The upscaling ({@code output_upscaling}, with the skip features when the model has them) and
   * the product with each mask token's hypernetwork output: low-res logits [B, 4, 4e, 4e].
   */
  private Value masks(Value keys, Value hyperIn, Value featS0, Value featS1, int e) {
    GraphBuilder g = nn.g;
    String u = P + ".output_upscaling";
    Value up;
    try (GraphBuilder.Scope sc = g.scope(u)) {
      Value src = nn.reshape(nn.transpose(keys, 0, 2, 1), 0, dim, e, e);
      up = nn.convTranspose2d(u + ".0", src, 2);
      if (featS1 != null) {
        up = nn.add(up, featS1);
      }
      up = nn.gelu(nn.layerNorm2d(u + ".1", up, 1e-6f));
      up = nn.convTranspose2d(u + ".3", up, 2);
      if (featS0 != null) {
        up = nn.add(up, featS0);
      }
      up = nn.gelu(up);
    }
    try (GraphBuilder.Scope sc = g.scope(P)) {
      int side = 4 * e;
      Value flat = nn.reshape(up, 0, dim / 8, (long) side * side);
      return nn.reshape(nn.matmul(hyperIn, flat), 0, NUM_MASK_TOKENS, side, side);
    }
  }

  private void copy(float[] out, int row, String key, int rows) {
    float[] w = nn.sd.get(key).toFloatArray();
    if (w.length != rows * dim) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.UNSUPPORTED_MODEL,
          key + " has " + w.length + " values, expected " + rows * dim);
    }
    System.arraycopy(w, 0, out, row * dim, w.length);
  }
}
