package io.sam4j.image;

import java.nio.ByteBuffer;

/**
 * An 8-bit RGB image, row-major, interleaved (R, G, B per pixel). Immutable: the pixels are copied
 * in and handed out as a read-only view.
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] rgb;

  private RgbImage(int width, int height, byte[] rgb) {
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /**
   * An image from interleaved RGB bytes (copied).
   *
   * @throws IllegalArgumentException when the sizes do not match
   */
  public static RgbImage of(int width, int height, byte[] rgb) {
    check(width, height, rgb);
    return new RgbImage(width, height, rgb.clone());
  }

  /** Wraps an array that nobody else holds (for the image readers and transforms). */
  static RgbImage wrap(int width, int height, byte[] rgb) {
    check(width, height, rgb);
    return new RgbImage(width, height, rgb);
  }

  private static void check(int width, int height, byte[] rgb) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    if ((long) width * height * 3 != rgb.length) {
      throw new IllegalArgumentException(width + "x" + height + " RGB needs "
          + (long) width * height * 3 + " bytes, got " + rgb.length);
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Channel {@code c} (0 R, 1 G, 2 B) of pixel (x, y), 0..255. */
  public int get(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }

  /** The pixels as a read-only view, RGB interleaved, row-major. */
  public ByteBuffer pixels() {
    return ByteBuffer.wrap(rgb).asReadOnlyBuffer();
  }

  /** A copy of the pixels. */
  public byte[] toByteArray() {
    return rgb.clone();
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
