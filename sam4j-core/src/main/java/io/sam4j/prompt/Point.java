package io.sam4j.prompt;

import io.sam4j.SamException;

/**
 * A prompt point in original-image pixel coordinates (X right, Y down). Points outside the image
 * are legal, as in the reference.
 */
public record Point(double x, double y, Label label) {
  public Point {
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      throw new SamException(SamException.Kind.BAD_PROMPT,
          "point (" + x + ", " + y + ") has a coordinate that is not a finite number");
    }
    if (label == null) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "point (" + x + ", " + y + ") has no label");
    }
  }
}
