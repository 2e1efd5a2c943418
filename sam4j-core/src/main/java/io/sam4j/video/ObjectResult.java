package io.sam4j.video;

import io.sam4j.result.Mask;

/**
 * One object on one frame.
 *
 * @param objId the caller's object id
 * @param lowResLogits the low-res mask logits [L*L] row-major (L = 256 at 1024 input), after
 *     hole filling, as the reference stores them ({@code -1024} everywhere when the object is
 *     judged absent); null when the object has no output on this frame
 * @param mask the logits resized bilinearly straight to the video's size, {@code > 0}
 * @param objectScoreLogits the object-score logit ({@code > 0}: the object is visible); NaN when
 *     the object has no output on this frame
 */
public record ObjectResult(int objId, float[] lowResLogits, Mask mask, float objectScoreLogits) {
  public ObjectResult {
    lowResLogits = lowResLogits == null ? null : lowResLogits.clone();
  }

  /** A copy of the low-res logits, or null. */
  @Override
  public float[] lowResLogits() {
    return lowResLogits == null ? null : lowResLogits.clone();
  }

  /** Whether the object has an output on this frame. */
  public boolean hasOutput() {
    return lowResLogits != null;
  }
}
