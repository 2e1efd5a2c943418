package io.sam4j.transform;

import io.sam4j.image.RgbImage;
import java.nio.ByteBuffer;

/**
 * SAM 3's image processor ({@code Sam3Processor.set_image}): the uint8 image resized to a
 * {@code side x side} square by {@link TorchUint8Resize} (aspect ratio not kept, no padding), then
 * float32 {@code x / 255} and {@code (x - 0.5) / 0.5} per channel, CHW.
 */
public final class Sam3Preprocessor {
  private Sam3Preprocessor() {}

  /**
   * The network input of an original image.
   *
   * @param side the model's input side (1008 official)
   * @return [3, side, side] float32, row-major, in [-1, 1]
   */
  public static float[] preprocess(RgbImage img, int side) {
    RgbImage resized = img.width() == side && img.height() == side ? img
        : TorchUint8Resize.resize(img, side, side);
    return normalize(resized);
  }

  /**
   * The network input of an image that is already the network's square input (the
   * {@code .resized.png} of the fixtures, say): only {@code (x / 255 - 0.5) / 0.5}.
   *
   * @return [3, h, w] float32, row-major
   */
  public static float[] normalize(RgbImage img) {
    int plane = img.width() * img.height();
    float[] out = new float[3 * plane];
    ByteBuffer px = img.pixels();
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        float v = (px.get(p * 3 + c) & 0xff) / 255f;
        out[c * plane + p] = (v - 0.5f) / 0.5f;
      }
    }
    return out;
  }
}
