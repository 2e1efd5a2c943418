package io.sam4j;

import java.util.Arrays;

/**
 * What the encoder made of one image, plus the sizes needed to map prompts and masks: the
 * embeddings [1, C, h, w], the original image size and the resized input size (both {H, W}).
 * Immutable; it can be saved and set on a predictor later to skip the encoder.
 */
public final class ImageEmbedding {
  private final float[] data;
  private final long[] shape;
  private final int[] originalSize;
  private final int[] inputSize;

  public ImageEmbedding(float[] data, long[] shape, int[] originalSize, int[] inputSize) {
    if (shape.length != 4 || shape[0] != 1) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "image embeddings must have shape [1, C, h, w], got " + Arrays.toString(shape));
    }
    if ((long) data.length != shape[1] * shape[2] * shape[3]) {
      throw new SamException(SamException.Kind.BAD_INPUT, "image embeddings have " + data.length
          + " values for shape " + Arrays.toString(shape));
    }
    checkSize("original", originalSize);
    checkSize("input", inputSize);
    this.data = data.clone();
    this.shape = shape.clone();
    this.originalSize = originalSize.clone();
    this.inputSize = inputSize.clone();
  }

  private static void checkSize(String what, int[] size) {
    if (size.length != 2 || size[0] <= 0 || size[1] <= 0) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          what + " size must be {H, W} with positive sides, got " + Arrays.toString(size));
    }
  }

  /** The embeddings (a copy), row-major [1, C, h, w]. */
  public float[] data() {
    return data.clone();
  }

  /** Read-only access without a copy, for the predictor. */
  float[] dataUnsafe() {
    return data;
  }

  /** The shape [1, C, h, w] (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The original image size {H, W}. */
  public int[] originalSize() {
    return originalSize.clone();
  }

  /** The resized input size {H, W} (longest side 1024). */
  public int[] inputSize() {
    return inputSize.clone();
  }
}
