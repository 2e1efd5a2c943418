package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;

/**
 * A working image: {@code height x width x channels} doubles, row-major and interleaved, as the
 * reference's numpy arrays. Package-private plumbing of the corruptions.
 */
final class FloatImage {
  final int width;
  final int height;
  final int channels;
  final double[] v;

  FloatImage(int width, int height, int channels) {
    this(width, height, channels, new double[width * height * channels]);
  }

  FloatImage(int width, int height, int channels, double[] v) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.v = v;
  }

  /** {@code np.array(img) / scale} as float64. */
  static FloatImage of(RgbImage img, double scale) {
    byte[] b = img.toByteArray();
    double[] d = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      d[i] = (b[i] & 0xff) / scale;
    }
    return new FloatImage(img.width(), img.height(), 3, d);
  }

  double get(int y, int x, int c) {
    return v[(y * width + x) * channels + c];
  }

  /**
   * {@code np.uint8(clip(v, 0, 1) * 255)} as {@code corrupt()} ends: clip, scale, truncate.
   */
  RgbImage toRgbClipUnit() {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      double x = Math.min(1, Math.max(0, v[i])) * 255;
      b[i] = (byte) (int) x;
    }
    return RgbImage.of(width, height, b);
  }

  /** {@code np.uint8(clip(v, 0, 255))} for pipelines already in 0..255. */
  RgbImage toRgbClip255() {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      double x = Math.min(255, Math.max(0, v[i]));
      b[i] = (byte) (int) x;
    }
    return RgbImage.of(width, height, b);
  }
}
