package io.sam4j.modeling.sam2;

/**
 * The contract between the SAM 2 family's image encoders (Hiera for SAM 2 / 2.1, the plain ViT of
 * EfficientTAM, the RepViT of EdgeTAM) and its prompt decoder: the names and shapes of the encoder
 * graph's input and outputs. S is the model's square input side (1024, or 512 for the 512-pixel
 * EfficientTAM variants), C the hidden dimension (256 in the official models).
 */
public final class Sam2Graphs {
  /** Encoder input: the image resized to S x S and normalized with ImageNet mean/std, [1, 3, S, S]. */
  public static final String IMAGE = "image";
  /**
   * Encoder output: the lowest-resolution FPN level kept (after {@code scalp}) plus
   * {@code no_mem_embed}, as the reference's image predictor stores it, [1, C, S/16, S/16].
   */
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  /**
   * Encoder output for video: the same level without {@code no_mem_embed} (the reference's
   * {@code backbone_fpn[-1]}, what the memory encoder and the memory attention read),
   * [1, C, S/16, S/16].
   */
  public static final String VISION_FEATURES = "vision_features";
  /**
   * Encoder output when the model uses high-resolution features: FPN level 0 after
   * {@code sam_mask_decoder.conv_s0}, [1, C/8, S/4, S/4].
   */
  public static final String HIGH_RES_FEATS_0 = "high_res_feats_0";
  /** Encoder output as above: FPN level 1 after {@code sam_mask_decoder.conv_s1}, [1, C/4, S/8, S/8]. */
  public static final String HIGH_RES_FEATS_1 = "high_res_feats_1";

  /** Decoder input: [B, N, 2] XY in the S x S input frame (box corners first, padding last). */
  public static final String POINT_COORDS = "point_coords";
  /** Decoder input: [B, N] labels 1, 0, -1 (padding), 2, 3 (box corners), as floats. */
  public static final String POINT_LABELS = "point_labels";
  /** Decoder input (mask-input graph only): [B, 1, S/4, S/4] previous low-res logits. */
  public static final String MASK_INPUT = "mask_input";
  /** Decoder input (mask-input graph only): [B], 1 where {@code mask_input} is used, else 0. */
  public static final String HAS_MASK_INPUT = "has_mask_input";
  /** Decoder output: [B, 4, S/4, S/4] low-res logits of all four mask tokens (unclamped). */
  public static final String LOW_RES_MASKS = "low_res_masks";
  /** Decoder output: [B, 4] IoU predictions of the four mask tokens. */
  public static final String IOU_PREDICTIONS = "iou_predictions";
  /** Decoder output: [B, 1] object-score logits (10 when the model has no score head). */
  public static final String OBJECT_SCORE_LOGITS = "object_score_logits";
  /** Decoder output: [B, 4, C] the four mask tokens after the transformer (object pointers). */
  public static final String SAM_TOKENS_OUT = "sam_tokens_out";

  private Sam2Graphs() {}
}
