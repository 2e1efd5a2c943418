package io.sam4j.transform;

import io.sam4j.image.RgbImage;
import java.nio.ByteBuffer;

/**
 * The SAM 2 family's image predictor input ({@code SAM2Transforms}): RGB uint8 to float32
 * {@code x / 255}, resized to a {@code side x side} square (aspect ratio not kept, no padding) by
 * {@link AntialiasedResize}, then ImageNet {@code (x - mean) / std} per channel, CHW. Video frames
 * are prepared differently (Pillow's bicubic on uint8) and do not come through here.
 */
public final class Sam2Preprocessor {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private Sam2Preprocessor() {}

  /**
   * The network input of an original image.
   *
   * @param side the model's input side (1024; 512 for the 512-pixel EfficientTAM models)
   * @return [3, side, side] float32, row-major
   */
  public static float[] preprocess(RgbImage img, int side) {
    int w = img.width();
    int h = img.height();
    float[] chw = new float[3 * h * w];
    ByteBuffer px = img.pixels();
    for (int p = 0; p < h * w; p++) {
      for (int c = 0; c < 3; c++) {
        chw[c * h * w + p] = (px.get(p * 3 + c) & 0xff) / 255f;
      }
    }
    float[] out = AntialiasedResize.resize(chw, 3, h, w, side, side);
    int plane = side * side;
    for (int c = 0; c < 3; c++) {
      for (int p = c * plane; p < (c + 1) * plane; p++) {
        out[p] = (out[p] - MEAN[c]) / STD[c];
      }
    }
    return out;
  }
}
