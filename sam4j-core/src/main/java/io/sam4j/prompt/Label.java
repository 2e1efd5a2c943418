package io.sam4j.prompt;

import io.sam4j.SamException;

/** What a prompt point says about the object: inside it, outside it, or nothing (padding). */
public enum Label {
  /** The point is on the object (label 1). */
  FOREGROUND(1),
  /** The point is not on the object (label 0). */
  BACKGROUND(0),
  /** A padding point that carries no information (label -1), as the reference uses it. */
  IGNORE(-1);

  private final int value;

  Label(int value) {
    this.value = value;
  }

  /** The reference's numeric label. */
  public int value() {
    return value;
  }

  /** The label for a reference numeric label 1, 0 or -1. */
  public static Label of(double value) {
    if (value == 1) {
      return FOREGROUND;
    }
    if (value == 0) {
      return BACKGROUND;
    }
    if (value == -1) {
      return IGNORE;
    }
    throw new SamException(SamException.Kind.BAD_PROMPT, "point label " + value
        + " is not one of 1 (foreground), 0 (background) or -1 (ignore)");
  }
}
