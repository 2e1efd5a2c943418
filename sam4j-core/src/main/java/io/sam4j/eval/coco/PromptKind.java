package io.sam4j.eval.coco;

import java.util.Locale;

/**
 * How a prompt is derived from an annotation ({@link EdgeSamPrompts}). Defaults follow EdgeSAM's
 * {@code eval_mIoU.py}; the {@code _EDT} and {@code _INTENDED} variants are the corrected
 * alternatives.
 */
public enum PromptKind {
  /** The annotation's {@code bbox} (EdgeSAM {@code --prompt-types box}). */
  BOX,
  /** One positive point at the kornia distance-transform centre of the 1024 ground truth. */
  POINT_CENTER,
  /** One positive point at the exact-EDT centre of the ground truth. */
  POINT_CENTER_EDT,
  /** One positive point at EdgeSAM's box centre as coded ({@code ((x0+y0)/2, (x1+y1)/2)}). */
  BOX_CENTER,
  /** One positive point at the box's true centre. */
  BOX_CENTER_INTENDED,
  /** One positive point uniformly at random on the ground truth (seeded). */
  POINT_RANDOM,
  /** The box and the kornia mask-centre point together. */
  BOX_POINT;

  /** The CLI spelling ({@code "point-center"}, {@code "box+point"}). */
  public String id() {
    return this == BOX_POINT ? "box+point" : name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The kind a CLI word names.
   *
   * @throws io.sam4j.SamException listing the valid words
   */
  public static PromptKind parse(String word) {
    for (PromptKind k : values()) {
      if (k.id().equalsIgnoreCase(word.strip())) {
        return k;
      }
    }
    StringBuilder valid = new StringBuilder();
    for (PromptKind k : values()) {
      valid.append(valid.length() == 0 ? "" : ", ").append(k.id());
    }
    throw new io.sam4j.SamException(io.sam4j.SamException.Kind.BAD_INPUT, "unknown prompt '"
        + word + "'; valid: " + valid);
  }
}
