package io.sam4j.modeling.sam2.config;

/**
 * The trunk-and-neck part of a SAM 2-family spec ({@code model.image_encoder} in the hydra config):
 * Hiera, EfficientTAM's ViT, EdgeTAM's RepViT. Each family's record implements it.
 */
public interface Sam2EncoderSpec {
  /** A short name of the trunk ({@code hiera}, {@code vit}, {@code repvit}). */
  String name();
}
