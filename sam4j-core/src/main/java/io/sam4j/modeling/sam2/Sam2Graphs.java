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
   * Encoder output when the model uses high-resolution features: FPN level 0 after
   * {@code sam_mask_decoder.conv_s0}, [1, C/8, S/4, S/4].
   */
  public static final String HIGH_RES_FEATS_0 = "high_res_feats_0";
  /** Encoder output as above: FPN level 1 after {@code sam_mask_decoder.conv_s1}, [1, C/4, S/8, S/8]. */
  public static final String HIGH_RES_FEATS_1 = "high_res_feats_1";

  private Sam2Graphs() {}
}
