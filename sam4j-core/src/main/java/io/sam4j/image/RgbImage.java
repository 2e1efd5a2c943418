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

  /**
   * The pixels of the box [x0, x1) x [y0, y1), as a new image.
   *
   * @throws IllegalArgumentException when the box is empty or leaves the image
   */
  public RgbImage crop(int x0, int y0, int x1, int y1) {
    if (x0 < 0 || y0 < 0 || x1 > width || y1 > height || x1 <= x0 || y1 <= y0) {
      throw new IllegalArgumentException("crop [" + x0 + ", " + y0 + ", " + x1 + ", " + y1
          + ") is empty or outside the " + width + "x" + height + " image");
    }
    if (x0 == 0 && y0 == 0 && x1 == width && y1 == height) {
      return this;
    }
    int w = x1 - x0;
    byte[] out = new byte[w * (y1 - y0) * 3];
    for (int y = y0; y < y1; y++) {
      System.arraycopy(rgb, (y * width + x0) * 3, out, (y - y0) * w * 3, w * 3);
    }
    return new RgbImage(w, y1 - y0, out);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
