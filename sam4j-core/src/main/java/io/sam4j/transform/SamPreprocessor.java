package io.sam4j.transform;

import io.sam4j.image.RgbImage;
import java.nio.ByteBuffer;

/**
 * The SAM 1 family's input pipeline: longest side to the target with Pillow's bilinear resize,
 * {@code (x - mean) / std} on 0..255 per channel in float32, zero padding to a square on the
 * bottom and right, CHW layout.
 */
public final class SamPreprocessor {
  private static final float[] MEAN = {123.675f, 116.28f, 103.53f};
  private static final float[] STD = {58.395f, 57.12f, 57.375f};

  private SamPreprocessor() {}

  /** Resizes an original image so that its longest side is {@code target}. */
  public static RgbImage resize(RgbImage img, int target) {
    int[] size = ResizeLongestSide.targetSize(img.height(), img.width(), target);
    if (size[0] == img.height() && size[1] == img.width()) {
      return img;
    }
    return PilResize.resize(img, size[1], size[0]);
  }

  /**
   * Normalizes an already resized image and pads it to {@code side} x {@code side}.
   *
   * @return [3, side, side] float32, row-major
   */
  public static float[] normalizeAndPad(RgbImage resized, int side) {
    int w = resized.width();
    int h = resized.height();
    if (w > side || h > side) {
      throw new IllegalArgumentException("resized image " + w + "x" + h + " exceeds " + side);
    }
    float[] out = new float[3 * side * side];
    ByteBuffer px = resized.pixels();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 3;
        for (int c = 0; c < 3; c++) {
          out[(c * side + y) * side + x] = ((float) (px.get(p + c) & 0xff) - MEAN[c]) / STD[c];
        }
      }
    }
    return out;
  }
}
