package io.sam4j.video;

import io.sam4j.image.RgbImage;
import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/** Copies JavaCV frames (packed RGB24 rows with a stride) into {@link RgbImage}s. */
final class Frames {
  private Frames() {}

  /**
   * The pixels of an RGB24 frame, turned clockwise by {@code rotation} degrees (0, 90, 180, 270).
   */
  static RgbImage toRgb(Frame f, int rotation) {
    int w = f.imageWidth;
    int h = f.imageHeight;
    if (f.imageChannels != 3 || f.imageDepth != Frame.DEPTH_UBYTE) {
      throw new IllegalStateException("expected an 8-bit RGB frame, got " + f.imageChannels
          + " channels of depth " + f.imageDepth);
    }
    ByteBuffer buf = ((ByteBuffer) f.image[0]).duplicate();
    int stride = f.imageStride;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      buf.position(y * stride);
      buf.get(rgb, y * w * 3, w * 3);
    }
    return rotation == 0 ? RgbImage.of(w, h, rgb) : rotate(rgb, w, h, rotation);
  }

  private static RgbImage rotate(byte[] src, int w, int h, int rotation) {
    boolean swap = rotation == 90 || rotation == 270;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] out = new byte[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int ox;
        int oy;
        switch (rotation) {
          case 90 -> {
            ox = h - 1 - y;
            oy = x;
          }
          case 180 -> {
            ox = w - 1 - x;
            oy = h - 1 - y;
          }
          default -> {
            ox = y;
            oy = w - 1 - x;
          }
        }
        System.arraycopy(src, (y * w + x) * 3, out, (oy * ow + ox) * 3, 3);
      }
    }
    return RgbImage.of(ow, oh, out);
  }
}
