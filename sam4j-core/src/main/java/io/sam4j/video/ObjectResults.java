package io.sam4j.video;

import io.sam4j.result.Mask;
import io.sam4j.transform.MaskPostprocessor;

/**
 * Makes {@link ObjectResult}s as {@code _get_orig_video_res_output}: low-res logits resized
 * bilinearly (align_corners false) straight to the video's size, {@code > 0}.
 */
final class ObjectResults {
  private final int lowRes;
  private final int width;
  private final int height;

  ObjectResults(int lowRes, int width, int height) {
    this.lowRes = lowRes;
    this.width = width;
    this.height = height;
  }

  /** An object without output on the frame: empty mask, no logits, NaN score. */
  ObjectResult absent(int objId) {
    return new ObjectResult(objId, null, Mask.fromWords(new long[(width * height + 63) >>> 6],
        width, height), Float.NaN);
  }

  /** An object's result from its stored logits (null when they were dropped). */
  ObjectResult of(int objId, float[] logits, float score) {
    if (logits == null) {
      return absent(objId);
    }
    int w = width;
    long[] words = new long[(w * height + 63) >>> 6];
    MaskPostprocessor.direct(lowRes, new int[] {height, w}).rows(logits, 0,
        (y, row) -> Mask.setPositiveBits(row, w, y * w, words));
    return new ObjectResult(objId, logits, Mask.fromWords(words, w, height), score);
  }
}
