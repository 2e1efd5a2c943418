package io.sam4j.modeling.sam2.config;

import java.util.List;

/**
 * The trunk of a SAM 2-family image encoder ({@code model.image_encoder.trunk} in the hydra config):
 * {@link HieraSpec}, {@link VitDetTrunkSpec}, {@link TimmRepVitTrunkSpec}.
 */
public interface Sam2TrunkSpec {
  /** A short name of the architecture ({@code hiera}, {@code vit}, {@code repvit}). */
  String name();

  /**
   * Channels of the feature maps the trunk hands to the neck, in the reference's order
   * ({@code channel_list}: coarsest first), or null where only the checkpoint tells (timm).
   */
  List<Integer> channelList();
}
