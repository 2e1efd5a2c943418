package io.sam4j.eval.corrupt;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The ImageNet-C corruptions of {@code hendrycks/robustness} ({@code imagenet_c/corruptions.py})
 * at severities 1..5, ported to Java and generalised from 224x224 to any image size (see
 * {@code metrics/README.md}: crops and zooms per axis, loops over H and W, plasma map of the next
 * power of two, pixelate to {@code int(W c) x int(H c)} and back to WxH). Outputs are converted as
 * the reference's {@code corrupt()} does: clip, then truncate to 8 bits.
 *
 * <pre>{@code
 * RgbImage foggy = Corruptions.apply(image, Corruptions.parse("fog"), 3, 42L);
 * }</pre>
 *
 * <p>Deterministic corruptions match the reference within one grey level; random ones match it
 * in distribution (the generators differ). {@code frost} needs the reference's frost photographs,
 * which sam4j does not redistribute: see {@link Frost}. {@code occlusion} is sam4j's own
 * corruption of one object's box: {@link #apply(RgbImage, Corruption, int, long, Frost, double[])}
 * or {@link Occlusion}.
 */
public final class Corruptions {
  private Corruptions() {}

  /**
   * The corruption named by its reference name ({@code "zoom_blur"}; case and {@code -}/{@code _}
   * insensitive).
   *
   * @throws SamException listing the valid names when there is no such corruption
   */
  public static Corruption parse(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Corruption c : Corruption.values()) {
      if (c.name().equals(n)) {
        return c;
      }
    }
    throw new SamException(SamException.Kind.BAD_INPUT, "unknown corruption '" + name
        + "'; valid names: " + Arrays.stream(Corruption.values()).map(Corruption::id)
        .collect(Collectors.joining(", ")));
  }

  /**
   * The corruptions {@link #apply(RgbImage, Corruption, int, long)} runs on a whole image without
   * extra data, in the reference's order: all but frost (needs the frost photographs) and
   * occlusion (needs an object's box).
   */
  public static java.util.List<Corruption> available() {
    return Arrays.stream(Corruption.values())
        .filter(c -> c != Corruption.FROST && !c.needsBox()).toList();
  }

  /**
   * Applies a corruption.
   *
   * @param image the clean image (any size)
   * @param corruption which corruption
   * @param severity 1 (mild) to 5 (strong)
   * @param seed seed of the random draws (ignored by the deterministic corruptions)
   * @throws SamException for a severity outside 1..5 or a corruption that cannot run here
   */
  public static RgbImage apply(RgbImage image, Corruption corruption, int severity, long seed) {
    return apply(image, corruption, severity, seed, null);
  }

  /**
   * Applies a corruption, {@code frost} with the given photographs.
   *
   * @param frost the frost photographs, or null (then {@code frost} is refused)
   */
  public static RgbImage apply(RgbImage image, Corruption corruption, int severity, long seed,
      Frost frost) {
    return apply(image, corruption, severity, seed, frost, null);
  }

  /**
   * Applies a corruption, {@code frost} with the given photographs and {@code occlusion} to the
   * given object's box.
   *
   * @param frost the frost photographs, or null (then {@code frost} is refused)
   * @param box the object's box, XYXY in image pixels, or null (then {@code occlusion} is
   *     refused); ignored by the other corruptions
   */
  public static RgbImage apply(RgbImage image, Corruption corruption, int severity, long seed,
      Frost frost, double[] box) {
    if (corruption == Corruption.OCCLUSION && box != null) {
      return Occlusion.apply(image, box, severity, seed);
    }
    if (corruption == Corruption.FROST && frost != null) {
      return frost.apply(image, severity, seed);
    }
    if (severity < 1 || severity > 5) {
      throw new SamException(SamException.Kind.BAD_INPUT, "severity must be 1..5, got " + severity);
    }
    RandomGenerator rng = new SplittableRandom(seed);
    return switch (corruption) {
      case GAUSSIAN_NOISE -> NoiseCorruptions.gaussianNoise(image, severity, rng);
      case SHOT_NOISE -> NoiseCorruptions.shotNoise(image, severity, rng);
      case IMPULSE_NOISE -> NoiseCorruptions.impulseNoise(image, severity, rng);
      case DEFOCUS_BLUR -> BlurCorruptions.defocusBlur(image, severity);
      case GLASS_BLUR -> RandomBlurCorruptions.glassBlur(image, severity, rng);
      case MOTION_BLUR -> RandomBlurCorruptions.motionBlur(image, severity, rng);
      case ZOOM_BLUR -> BlurCorruptions.zoomBlur(image, severity);
      case SNOW -> WeatherCorruptions.snow(image, severity, rng);
      case FOG -> WeatherCorruptions.fog(image, severity, rng);
      case BRIGHTNESS -> ColorCorruptions.brightness(image, severity);
      case CONTRAST -> ColorCorruptions.contrast(image, severity);
      case PIXELATE -> DigitalCorruptions.pixelate(image, severity);
      case JPEG_COMPRESSION -> DigitalCorruptions.jpegCompression(image, severity);
      case FROST -> throw new SamException(SamException.Kind.BAD_INPUT, "frost blends in the"
          + " frost photographs of hendrycks/robustness, which sam4j does not ship: use"
          + " Frost.load(dir) (CLI: --frost-dir DIR)");
      case ELASTIC_TRANSFORM -> ElasticTransform.apply(image, severity, rng);
      case OCCLUSION -> throw new SamException(SamException.Kind.BAD_INPUT, "occlusion covers"
          + " part of an object's box: give the box (CLI: --box X0,Y0,X1,Y1)");
    };
  }
}
