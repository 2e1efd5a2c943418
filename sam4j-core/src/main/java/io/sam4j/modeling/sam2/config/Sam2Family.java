package io.sam4j.modeling.sam2.config;

/** The members of the SAM 2 family that share {@code SAM2Base}'s image path and mask decoder. */
public enum Sam2Family {
  /** SAM 2 (July 2024), Hiera trunk. */
  SAM2,
  /** SAM 2.1 (September 2024), Hiera trunk, {@code no_obj_embed_spatial} and pointer projections. */
  SAM2_1,
  /** EfficientTAM: plain ViT trunk, one neck level, no high-resolution features. */
  EFFICIENTTAM,
  /** EdgeTAM: timm RepViT trunk, SAM 2's FPN neck, 2D Spatial Perceiver memories. */
  EDGETAM;

  /** The name people use: {@code SAM 2}, {@code SAM 2.1}, {@code EfficientTAM}, {@code EdgeTAM}. */
  public String displayName() {
    return switch (this) {
      case SAM2 -> "SAM 2";
      case SAM2_1 -> "SAM 2.1";
      case EFFICIENTTAM -> "EfficientTAM";
      case EDGETAM -> "EdgeTAM";
    };
  }
}
