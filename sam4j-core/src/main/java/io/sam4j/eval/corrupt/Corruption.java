package io.sam4j.eval.corrupt;

import java.util.Locale;

/**
 * The 15 ImageNet-C corruptions (Hendrycks & Dietterich 2019) in the reference's order, by family:
 * noise, blur, weather, digital; then {@link #OCCLUSION}, sam4j's own (see {@link Occlusion}),
 * which needs an object's box ({@link #needsBox()}). {@link #isDeterministic()} tells which ones
 * draw random numbers.
 */
public enum Corruption {
  GAUSSIAN_NOISE(false), SHOT_NOISE(false), IMPULSE_NOISE(false),
  DEFOCUS_BLUR(true), GLASS_BLUR(false), MOTION_BLUR(false), ZOOM_BLUR(true),
  SNOW(false), FROST(false), FOG(false), BRIGHTNESS(true),
  CONTRAST(true), ELASTIC_TRANSFORM(false), PIXELATE(true), JPEG_COMPRESSION(true),
  OCCLUSION(false);

  private final boolean deterministic;

  Corruption(boolean deterministic) {
    this.deterministic = deterministic;
  }

  /** Whether the output depends only on the image and severity (no random draws). */
  public boolean isDeterministic() {
    return deterministic;
  }

  /** Whether it applies to one object's box ({@link #OCCLUSION}) rather than the whole image. */
  public boolean needsBox() {
    return this == OCCLUSION;
  }

  /** The reference's name ({@code "gaussian_noise"}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
