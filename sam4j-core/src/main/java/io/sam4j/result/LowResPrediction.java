package io.sam4j.result;

/**
 * A prediction without full-resolution masks: the IoU predictions and the low-res logits
 * (side x side, row-major) of each selected mask. Immutable.
 */
public final class LowResPrediction {
  private final float[] iouPredictions;
  private final float[][] lowResLogits;

  public LowResPrediction(float[] iouPredictions, float[][] lowResLogits) {
    if (iouPredictions.length != lowResLogits.length) {
      throw new IllegalArgumentException("IoU predictions and logits differ in count");
    }
    this.iouPredictions = iouPredictions.clone();
    this.lowResLogits = new float[lowResLogits.length][];
    for (int i = 0; i < lowResLogits.length; i++) {
      this.lowResLogits[i] = lowResLogits[i].clone();
    }
  }

  /** Number of masks. */
  public int size() {
    return iouPredictions.length;
  }

  /** Predicted IoU of each mask (a copy). */
  public float[] iouPredictions() {
    return iouPredictions.clone();
  }

  /** Low-res logits of mask {@code i} (a copy). */
  public float[] lowResLogits(int i) {
    return lowResLogits[i].clone();
  }
}
