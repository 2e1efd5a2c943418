package io.sam4j.transform;

import io.sam4j.image.RgbImage;
import java.util.stream.IntStream;

/**
 * How the SAM 2 family's video predictors turn a frame into network input
 * ({@code load_video_frames}): Pillow's bicubic resize of the 8-bit frame to {@code side x side}
 * (aspect not kept), {@code / 255} in double stored as float32, then {@code (x - mean) / std} in
 * float32 with ImageNet's mean and std. Not the image predictor's transform, which resizes the
 * float image with torch's antialiased bilinear.
 */
public final class VideoFrameTransform {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private VideoFrameTransform() {}

  /**
   * The network input of one frame.
   *
   * @return [3, side, side] float32, row-major
   */
  public static float[] toInput(RgbImage frame, int side) {
    RgbImage resized = frame.width() == side && frame.height() == side ? frame
        : PilResize.resize(frame, side, side, PilResize.Filter.BICUBIC);
    float[] out = new float[3 * side * side];
    byte[] px = new byte[3 * side * side];
    resized.pixels().get(px);
    int plane = side * side;
    IntStream.range(0, side).parallel().forEach(y -> {
      for (int i = y * side; i < (y + 1) * side; i++) {
        for (int c = 0; c < 3; c++) {
          out[c * plane + i] = LEVELS[c][px[i * 3 + c] & 0xff];
        }
      }
    });
    return out;
  }

  /** The normalized value of each 8-bit level per channel, computed as the reference does. */
  private static final float[][] LEVELS = new float[3][256];

  static {
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        float x = (float) (v / 255.0);
        LEVELS[c][v] = (x - MEAN[c]) / STD[c];
      }
    }
  }
}
