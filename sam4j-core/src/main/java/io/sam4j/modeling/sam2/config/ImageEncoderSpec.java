package io.sam4j.modeling.sam2.config;

/**
 * {@code model.image_encoder} ({@code ImageEncoder}): a trunk, a neck and {@code scalp}, the number
 * of coarsest neck levels dropped after the neck.
 *
 * @param trunk the trunk's config
 * @param neck the neck's config
 * @param scalp levels dropped (1 in SAM 2 and EdgeTAM, 0 in EfficientTAM)
 */
public record ImageEncoderSpec(Sam2TrunkSpec trunk, Sam2NeckSpec neck, int scalp)
    implements Sam2EncoderSpec {

  @Override
  public String name() {
    return trunk.name();
  }
}
