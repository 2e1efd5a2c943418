package io.sam4j;

import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Prompt;
import io.sam4j.transform.MaskPostprocessor;
import java.util.List;

/**
 * What one model family brings to {@link SamModel}, {@link SamPredictor} and
 * {@link AutomaticMaskGenerator}, so that they never branch on the family: the SAM 1 family
 * ({@link SamBackend}: SAM, MobileSAM) and the SAM 2 family ({@link Sam2Backend}: SAM 2 / 2.1,
 * EfficientTAM, EdgeTAM). Holds the model's runtime sessions.
 */
interface ModelBackend extends AutoCloseable {
  /** The architecture's short name ({@code vit_b}, {@code sam2.1_hiera_t}, ...). */
  String name();

  /** Side of the encoder's square input. */
  int imageSize();

  /** Side of the low-res mask logits (256; 128 for 512-pixel SAM 2 models). */
  int lowResSize();

  /** Number of values in the checkpoint. */
  long parameterCount();

  /** Encodes an original image (any size). */
  ImageEmbedding encode(RgbImage image);

  /**
   * Encodes an image already resized as the family's preprocessing does.
   *
   * @throws SamException when the family does not take pre-resized images or the size is wrong
   */
  ImageEmbedding encodePreResized(RgbImage resized, int originalHeight, int originalWidth);

  /** Refuses an embedding this model cannot use, with a message naming the mismatch. */
  void checkEmbedding(ImageEmbedding embedding);

  /** An all-zero embedding of this model's shapes for an image of {@code height x width}. */
  ImageEmbedding blankEmbedding(int height, int width);

  /** A decoder for one predictor (it may cache per-image tensors until {@code forgetImage}). */
  Decoder newDecoder();

  /** Upscales low-res logits of an image to {@code size} {H, W} as the family's reference does. */
  MaskPostprocessor upscaler(ImageEmbedding embedding, int[] size);

  /**
   * The bound applied to returned low-res logits ({@code Float.POSITIVE_INFINITY}: none; SAM 2
   * clamps to 32); masks are always made from the unclamped logits.
   */
  float lowResClamp();

  /**
   * Whether automatic mask generation cleans masks at low resolution (SAM 2: holes and specks up
   * to {@code min_mask_region_area} pixels of the low-res logits, before upscaling) instead of
   * SAM's {@code postprocess_small_regions} on the full-resolution masks.
   */
  boolean cleansLowResRegions();

  /** The family's automatic mask generator defaults. */
  io.sam4j.amg.AmgConfig.Builder amgDefaults();

  @Override
  void close();

  /** Runs prompt sets through a family's prompt decoder. Not thread-safe. */
  interface Decoder {
    /**
     * The number of sparse tokens a prompt gives this decoder; prompts decoded together must
     * have the same count.
     */
    int tokenCount(Prompt p);

    /**
     * Decodes prompts of one token count that all have (or all lack) a mask input. In the output,
     * slot 0 of each prompt is its single-mask answer (for SAM 2 after the dynamic multimask
     * choice) and slots 1..M-1 the multimask answers; low-res logits are unclamped.
     *
     * @param iouThreshold NaN for masks of every prompt; otherwise prompts whose returned IoU
     *     predictions are all at or below it may get no masks
     */
    PromptDecoder.Output run(ImageEmbedding st, List<Prompt> batch, double iouThreshold);

    /** Releases what was cached for the current image. */
    void forgetImage();
  }
}
