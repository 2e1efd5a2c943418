package io.sam4j.modeling.sam2;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.SubPixelUpscaling;
import io.sam4j.modeling.sam.PromptEncoder;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.modeling.sam.TwoWayTransformer;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;

/**
 * Builds the SAM 2 family's prompt decoder graphs: {@code sam_prompt_encoder} (SAM's
 * {@link PromptEncoder} unchanged, under another prefix) and {@code sam_mask_decoder}
 * ({@link MaskDecoder}). Inputs and outputs are named in {@link Sam2Graphs}: the image side is
 * {@link Sam2Graphs#IMAGE_EMBEDDINGS} [1, C, e, e] (e = S/16) plus, when the model uses them,
 * {@link Sam2Graphs#HIGH_RES_FEATS_0} [1, C/8, 4e, 4e] and {@link Sam2Graphs#HIGH_RES_FEATS_1}
 * [1, C/4, 2e, 2e]; prompts are {@link Sam2Graphs#POINT_COORDS} and
 * {@link Sam2Graphs#POINT_LABELS} for a batch of B prompt sets with N points each, already in the
 * S x S frame (the {@code +0.5} pixel-centre shift happens inside). Outputs are the four masks'
 * unclamped low-res logits, their IoU predictions, the object-score logits and the mask tokens.
 */
public final class Sam2Decoders {
  static final String PROMPT_ENCODER = "sam_prompt_encoder";

  private Sam2Decoders() {}

  /**
   * The decoder graph.
   *
   * @param withMaskInput whether the graph takes {@link Sam2Graphs#MASK_INPUT} and
   *     {@link Sam2Graphs#HAS_MASK_INPUT} (every prompt then has its own image tokens); without,
   *     every prompt uses {@code no_mask_embed} and the image side is computed once per batch
   */
  public static OnnxModel decoder(StateDict sd, Sam2ModelSpec spec, boolean withMaskInput) {
    GraphBuilder g = new GraphBuilder(withMaskInput ? "sam4j_sam2_decoder_mask"
        : "sam4j_sam2_decoder");
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    int low = spec.lowResSize();
    Layers nn = new Layers(g, sd);
    PromptEncoder pe = new PromptEncoder(sd, PROMPT_ENCODER, c, spec.imageSize());
    MaskDecoder md = new MaskDecoder(nn, spec.heads(), c, e);
    Value emb = g.input(Sam2Graphs.IMAGE_EMBEDDINGS, ElemType.FLOAT, 1, c, e, e);
    Value s0 = null;
    Value s1 = null;
    if (spec.heads().useHighResFeaturesInSam()) {
      s0 = g.input(Sam2Graphs.HIGH_RES_FEATS_0, ElemType.FLOAT, 1, c / 8, 4 * e, 4 * e);
      s1 = g.input(Sam2Graphs.HIGH_RES_FEATS_1, ElemType.FLOAT, 1, c / 4, 2 * e, 2 * e);
    }
    Value coords = g.input(Sam2Graphs.POINT_COORDS, ElemType.FLOAT, "batch", "points", 2);
    Value labels = g.input(Sam2Graphs.POINT_LABELS, ElemType.FLOAT, "batch", "points");
    Value sparse = pe.sparse(g, coords, labels);
    Value peTokens = md.peTokens(pe.denseImagePe(g), e);
    TwoWayTransformer.ImageSide side;
    if (withMaskInput) {
      Value mask = g.input(Sam2Graphs.MASK_INPUT, ElemType.FLOAT, "batch", 1, low, low);
      Value has = g.input(Sam2Graphs.HAS_MASK_INPUT, ElemType.FLOAT, "batch");
      side = md.imageSide(emb, pe.dense(g, mask, has), peTokens, e, false);
    } else {
      side = md.imageSide(emb, pe.noMaskEmbedding(g), peTokens, e, true);
    }
    MaskDecoder.Outputs out = md.build(side, peTokens, sparse, s0, s1, e);
    return outputs(g, out);
  }

  private static OnnxModel outputs(GraphBuilder g, MaskDecoder.Outputs out) {
    g.output(Sam2Graphs.LOW_RES_MASKS, out.lowResMasks());
    g.output(Sam2Graphs.IOU_PREDICTIONS, out.iou());
    g.output(Sam2Graphs.OBJECT_SCORE_LOGITS, out.objectScoreLogits());
    g.output(Sam2Graphs.SAM_TOKENS_OUT, out.samTokensOut());
    return g.build();
  }

  /**
   * Prologue output: {@link Sam2Graphs#HIGH_RES_FEATS_0} in the sub-pixel order of the masks'
   * second convolution, [1, 4 e*e, 4, C/8], kept for the image's prompts.
   */
  public static final String CACHED_FEATS_0 = "cached_" + Sam2Graphs.HIGH_RES_FEATS_0;
  /** Prologue output: {@link Sam2Graphs#HIGH_RES_FEATS_1} likewise, [1, e*e, 4, C/4]. */
  public static final String CACHED_FEATS_1 = "cached_" + Sam2Graphs.HIGH_RES_FEATS_1;

  /**
   * What the image predictor's decoder needs of an image before any prompt without mask input,
   * run once per image (as {@link SamGraphs#decoderPrologue} for SAM): from the embeddings to the
   * {@link SamGraphs#CACHE} tensors (the image tokens with {@code no_mask_embed}, the first
   * block's projections of them), and the high-resolution features in the order the per-prompt
   * graph's sub-pixel upscaling adds them, so that every prompt's run finds them in native memory
   * instead of copying 12 MB from the heap.
   */
  public static OnnxModel prologue(StateDict sd, Sam2ModelSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_sam2_decoder_prologue");
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    PromptEncoder pe = new PromptEncoder(sd, PROMPT_ENCODER, c, spec.imageSize());
    MaskDecoder md = new MaskDecoder(new Layers(g, sd), spec.heads(), c, e);
    Value emb = g.input(Sam2Graphs.IMAGE_EMBEDDINGS, ElemType.FLOAT, 1, c, e, e);
    SamGraphs.cacheOutputs(g, md.imageSide(emb, pe.noMaskEmbedding(g),
        md.peTokens(pe.denseImagePe(g), e), e, true));
    if (spec.heads().useHighResFeaturesInSam()) {
      Layers nn = new Layers(g, sd);
      g.output(CACHED_FEATS_0, SubPixelUpscaling.skip0Order(nn,
          g.input(Sam2Graphs.HIGH_RES_FEATS_0, ElemType.FLOAT, 1, c / 8, 4 * e, 4 * e), c / 8, e));
      g.output(CACHED_FEATS_1, SubPixelUpscaling.skip1Order(nn,
          g.input(Sam2Graphs.HIGH_RES_FEATS_1, ElemType.FLOAT, 1, c / 4, 2 * e, 2 * e), c / 4, e));
    }
    return g.build();
  }

  /**
   * The decoder for prompts without mask input over a {@link #prologue}'s outputs: inputs the
   * {@link SamGraphs#CACHE} tensors, {@link #CACHED_FEATS_0} and {@link #CACHED_FEATS_1} when the
   * model uses them, and the points; the outputs of {@link #decoder}, except that the low-res
   * logits are {@link SamGraphs#LOW_RES_SUBPIXEL} (transposed convolutions as matrix products on
   * channels-last tokens, as SAM's staged decoder).
   */
  public static OnnxModel cachedDecoder(StateDict sd, Sam2ModelSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_sam2_decoder_cached");
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    PromptEncoder pe = new PromptEncoder(sd, PROMPT_ENCODER, c, spec.imageSize());
    MaskDecoder md = new MaskDecoder(new Layers(g, sd), spec.heads(), c, e);
    TwoWayTransformer.ImageSide side =
        SamGraphs.cacheInputs(g, (long) e * e, c, MaskDecoder.HEADS);
    Value s0 = null;
    Value s1 = null;
    if (spec.heads().useHighResFeaturesInSam()) {
      s0 = g.input(CACHED_FEATS_0, ElemType.FLOAT, 1, 4L * e * e, 4, c / 8);
      s1 = g.input(CACHED_FEATS_1, ElemType.FLOAT, 1, (long) e * e, 4, c / 4);
    }
    Value coords = g.input(Sam2Graphs.POINT_COORDS, ElemType.FLOAT, "batch", "points", 2);
    Value labels = g.input(Sam2Graphs.POINT_LABELS, ElemType.FLOAT, "batch", "points");
    MaskDecoder.Outputs out = md.buildSubPixel(side, md.peTokens(pe.denseImagePe(g), e),
        pe.sparse(g, coords, labels), s0, s1, e);
    g.output(SamGraphs.LOW_RES_SUBPIXEL, out.lowResMasks());
    g.output(Sam2Graphs.IOU_PREDICTIONS, out.iou());
    g.output(Sam2Graphs.OBJECT_SCORE_LOGITS, out.objectScoreLogits());
    g.output(Sam2Graphs.SAM_TOKENS_OUT, out.samTokensOut());
    return g.build();
  }
}
