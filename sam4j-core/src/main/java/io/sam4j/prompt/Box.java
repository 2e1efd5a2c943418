package io.sam4j.prompt;

import io.sam4j.SamException;

/** A box prompt in original-image pixels, XYXY: top-left (x0, y0), bottom-right (x1, y1). */
public record Box(double x0, double y0, double x1, double y1) {
  public Box {
    for (double v : new double[] {x0, y0, x1, y1}) {
      if (!Double.isFinite(v)) {
        throw new SamException(SamException.Kind.BAD_PROMPT,
            "box " + describe(x0, y0, x1, y1) + " has a coordinate that is not a finite number");
      }
    }
    if (x1 < x0 || y1 < y0) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "box " + describe(x0, y0, x1, y1)
          + " has its second corner left of or above its first; boxes are x0,y0,x1,y1 with"
          + " x0 <= x1 and y0 <= y1");
    }
  }

  private static String describe(double x0, double y0, double x1, double y1) {
    return "[" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "]";
  }
}
