package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;
import java.util.random.RandomGenerator;

/**
 * gaussian_noise, shot_noise, impulse_noise and speckle_noise as the reference defines them; the
 * random draws come from the caller's generator, so outputs match the reference in distribution,
 * not value by value.
 */
final class NoiseCorruptions {
  private NoiseCorruptions() {}

  private static final double[] GAUSSIAN = {.08, .12, 0.18, 0.26, 0.38};
  private static final double[] SHOT = {60, 25, 12, 5, 3};
  private static final double[] IMPULSE = {.03, .06, .09, 0.17, 0.27};
  private static final double[] SPECKLE = {.15, .2, 0.35, 0.45, 0.6};

  /** {@code clip(x + N(0, c²))}. */
  static RgbImage gaussianNoise(RgbImage img, int severity, RandomGenerator rng) {
    double c = GAUSSIAN[severity - 1];
    FloatImage x = FloatImage.of(img, 255.0);
    for (int i = 0; i < x.v.length; i++) {
      x.v[i] += rng.nextGaussian() * c;
    }
    return x.toRgbClipUnit();
  }

  /** {@code clip(poisson(x * c) / c)}. */
  static RgbImage shotNoise(RgbImage img, int severity, RandomGenerator rng) {
    double c = SHOT[severity - 1];
    FloatImage x = FloatImage.of(img, 255.0);
    for (int i = 0; i < x.v.length; i++) {
      x.v[i] = poisson(x.v[i] * c, rng) / c;
    }
    return x.toRgbClipUnit();
  }

  /** skimage {@code random_noise(mode='s&p', amount=c)}: each channel value flips independently. */
  static RgbImage impulseNoise(RgbImage img, int severity, RandomGenerator rng) {
    double c = IMPULSE[severity - 1];
    FloatImage x = FloatImage.of(img, 255.0);
    for (int i = 0; i < x.v.length; i++) {
      boolean flipped = rng.nextDouble() < c;
      boolean salted = rng.nextDouble() < 0.5;
      if (flipped) {
        x.v[i] = salted ? 1 : 0;
      }
    }
    return x.toRgbClipUnit();
  }

  /** {@code clip(x + x * N(0, c²))}. */
  static RgbImage speckleNoise(RgbImage img, int severity, RandomGenerator rng) {
    double c = SPECKLE[severity - 1];
    FloatImage x = FloatImage.of(img, 255.0);
    for (int i = 0; i < x.v.length; i++) {
      x.v[i] += x.v[i] * rng.nextGaussian() * c;
    }
    return x.toRgbClipUnit();
  }

  /** A Poisson draw by Knuth's product of uniforms (the means here stay below 61). */
  static int poisson(double lambda, RandomGenerator rng) {
    if (lambda <= 0) {
      return 0;
    }
    double limit = Math.exp(-lambda);
    double p = rng.nextDouble();
    int k = 0;
    while (p > limit) {
      k++;
      p *= rng.nextDouble();
    }
    return k;
  }
}
