package io.sam4j.result;

import java.util.List;

/**
 * The answer to one prompt set: N masks at the original image size (N = 1, 3 or 4, as the prompt
 * asks), their scores (predicted IoU, or low-res stability when the prompt asks for it), and their
 * low-res logits (N x side x side, side = 256) that can be fed back as a mask input. Immutable.
 */
public final class Prediction {
  private final List<Mask> masks;
  private final float[] iouPredictions;
  private final float[][] lowResLogits;
  private final int lowResSize;

  public Prediction(List<Mask> masks, float[] iouPredictions, float[][] lowResLogits,
      int lowResSize) {
    if (masks.size() != iouPredictions.length || masks.size() != lowResLogits.length) {
      throw new IllegalArgumentException("masks, IoU predictions and logits differ in count");
    }
    this.masks = List.copyOf(masks);
    this.iouPredictions = iouPredictions.clone();
    this.lowResLogits = new float[lowResLogits.length][];
    for (int i = 0; i < lowResLogits.length; i++) {
      this.lowResLogits[i] = lowResLogits[i].clone();
    }
    this.lowResSize = lowResSize;
  }

  /** The masks, best guess first only in the sense the model orders them. */
  public List<Mask> masks() {
    return masks;
  }

  /** Number of masks. */
  public int size() {
    return masks.size();
  }

  /** Predicted IoU of each mask (a copy). */
  public float[] iouPredictions() {
    return iouPredictions.clone();
  }

  /** Low-res logits of mask {@code i} (a copy), row-major side x side. */
  public float[] lowResLogits(int i) {
    return lowResLogits[i].clone();
  }

  /** Side of the low-res logits (256). */
  public int lowResSize() {
    return lowResSize;
  }

  /** Index of the mask with the highest predicted IoU. */
  public int bestIndex() {
    int best = 0;
    for (int i = 1; i < iouPredictions.length; i++) {
      if (iouPredictions[i] > iouPredictions[best]) {
        best = i;
      }
    }
    return best;
  }
}
