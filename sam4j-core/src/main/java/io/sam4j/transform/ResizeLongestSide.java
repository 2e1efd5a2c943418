package io.sam4j.transform;

/**
 * SAM's {@code ResizeLongestSide}: the size an image takes when its longest side is scaled to the
 * target, and the matching transform of pixel coordinates (per axis, in double precision).
 */
public final class ResizeLongestSide {
  private ResizeLongestSide() {}

  /**
   * {@code get_preprocess_shape}: {@code int(side * target / max(h, w) + 0.5)} for each side.
   *
   * @return {height, width}
   */
  public static int[] targetSize(int height, int width, int target) {
    double scale = target * 1.0 / Math.max(height, width);
    int newH = (int) (height * scale + 0.5);
    int newW = (int) (width * scale + 0.5);
    return new int[] {newH, newW};
  }

  /**
   * {@code apply_coords}: scales XY pairs from an image of {@code originalSize} (H, W) into the
   * resized frame of {@code inputSize} (H, W), returning float32 as the reference does.
   */
  public static float[] applyCoords(double[] xy, int[] originalSize, int[] inputSize) {
    float[] out = new float[xy.length];
    double sx = (double) inputSize[1] / originalSize[1];
    double sy = (double) inputSize[0] / originalSize[0];
    for (int i = 0; i < xy.length; i += 2) {
      out[i] = (float) (xy[i] * sx);
      out[i + 1] = (float) (xy[i + 1] * sy);
    }
    return out;
  }
}
