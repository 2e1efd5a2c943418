package io.sam4j.prompt;

import io.sam4j.SamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One prompt set for one object: points, an optional box, an optional mask input (the low-res
 * logits of an earlier prediction) and whether to return three candidate masks or one. Immutable.
 *
 * <pre>{@code
 * Prompt p = Prompt.builder().point(500, 375, Label.FOREGROUND).multimask(true).build();
 * }</pre>
 */
public final class Prompt {
  private final List<Point> points;
  private final Box box;
  private final float[] maskInput;
  private final boolean multimask;

  private Prompt(List<Point> points, Box box, float[] maskInput, boolean multimask) {
    this.points = List.copyOf(points);
    this.box = box;
    this.maskInput = maskInput == null ? null : maskInput.clone();
    this.multimask = multimask;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The points, in order. */
  public List<Point> points() {
    return points;
  }

  public Optional<Box> box() {
    return Optional.ofNullable(box);
  }

  /** True when a mask input is set. */
  public boolean hasMaskInput() {
    return maskInput != null;
  }

  /** A copy of the mask input logits (row-major, lowRes x lowRes), or null. */
  public float[] maskInput() {
    return maskInput == null ? null : maskInput.clone();
  }

  /** Whether three masks are returned instead of one. */
  public boolean multimask() {
    return multimask;
  }

  /**
   * The number of sparse tokens this prompt gives the decoder: its points, plus two box corners, or
   * plus one padding point when there is no box (as the reference pads).
   */
  public int tokenCount() {
    if (points.isEmpty() && box == null) {
      return 0;
    }
    return points.size() + (box != null ? 2 : 1);
  }

  /** Builds prompts; at least one point, a box or a mask input is required. */
  public static final class Builder {
    private final List<Point> points = new ArrayList<>();
    private Box box;
    private float[] maskInput;
    private boolean multimask;

    public Builder point(double x, double y, Label label) {
      points.add(new Point(x, y, label));
      return this;
    }

    public Builder point(Point p) {
      points.add(p);
      return this;
    }

    public Builder box(double x0, double y0, double x1, double y1) {
      box = new Box(x0, y0, x1, y1);
      return this;
    }

    public Builder box(Box b) {
      box = b;
      return this;
    }

    /**
     * Low-res logits of an earlier prediction (see {@code Prediction.lowResLogits}), row-major,
     * side x side; copied.
     */
    public Builder maskInput(float[] logits) {
      for (float v : logits) {
        if (!Float.isFinite(v)) {
          throw new SamException(SamException.Kind.BAD_PROMPT,
              "the mask input holds a value that is not a finite number");
        }
      }
      maskInput = logits.clone();
      return this;
    }

    public Builder multimask(boolean m) {
      multimask = m;
      return this;
    }

    public Prompt build() {
      if (points.isEmpty() && box == null && maskInput == null) {
        throw new SamException(SamException.Kind.BAD_PROMPT,
            "the prompt is empty: give at least one point, a box or a mask input");
      }
      return new Prompt(points, box, maskInput, multimask);
    }
  }
}
