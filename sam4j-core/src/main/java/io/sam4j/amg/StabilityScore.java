package io.sam4j.amg;

/**
 * The reference's {@code calculate_stability_score}: the IoU of a mask's logits thresholded at
 * {@code threshold + offset} and at {@code threshold - offset}, i.e. {@code count(logit > t + o) /
 * count(logit > t - o)} (the first mask lies inside the second), in float32 as the reference
 * divides its integer counts. NaN when no logit exceeds {@code t - o}, as 0/0 in the reference.
 */
public final class StabilityScore {
  private StabilityScore() {}

  /** The score of {@code length} logits starting at {@code from}. */
  public static float of(float[] logits, int from, int length, float threshold, float offset) {
    float hi = threshold + offset;
    float lo = threshold - offset;
    int inter = 0;
    int union = 0;
    for (int i = from; i < from + length; i++) {
      float v = logits[i];
      inter += v > hi ? 1 : 0;
      union += v > lo ? 1 : 0;
    }
    return (float) inter / (float) union;
  }

  /**
   * EdgeSAM's predictor score with {@code use_stability_score}: the low-res logits' stability at
   * the mask threshold 0 and the predictor's fixed offset 1.
   */
  public static float lowRes(float[] logits, int from, int length) {
    return of(logits, from, length, 0f, 1f);
  }
}
