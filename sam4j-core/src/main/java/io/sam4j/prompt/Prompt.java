package io.sam4j.prompt;

import io.sam4j.SamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One prompt set for one object: points, an optional box, an optional mask input (the low-res
 * logits of an earlier prediction), how many masks to return and which score to return with them.
 * Immutable.
 *
 * <p>The decoder predicts four masks (mask tokens 0..3). {@code multimask(true)} returns tokens
 * 1..3, {@code multimask(false)} token 0, as SAM's {@code multimask_output}; EdgeSAM's
 * {@code num_multimask_outputs} also allows 4, tokens 0..3 in order. With
 * {@code useStabilityScore(true)} the scores are the stability scores of the 256x256 low-res logits
 * ({@code count(logit > 1) / count(logit > -1)}, EdgeSAM's {@code use_stability_score}) instead of
 * the IoU head's predictions.
 *
 * <pre>{@code
 * Prompt p = Prompt.builder().point(500, 375, Label.FOREGROUND).multimask(true).build();
 * Prompt all = Prompt.builder().point(500, 375, Label.FOREGROUND).numMultimaskOutputs(4)
 *     .useStabilityScore(true).build();
 * }</pre>
 */
public final class Prompt {
  private final List<Point> points;
  private final Box box;
  private final float[] maskInput;
  private final int numMultimaskOutputs;
  private final boolean useStabilityScore;

  private Prompt(List<Point> points, Box box, float[] maskInput, int numMultimaskOutputs,
      boolean useStabilityScore) {
    this.points = List.copyOf(points);
    this.box = box;
    this.maskInput = maskInput == null ? null : maskInput.clone();
    this.numMultimaskOutputs = numMultimaskOutputs;
    this.useStabilityScore = useStabilityScore;
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

  /** Whether several masks are returned (3 or 4) instead of one. */
  public boolean multimask() {
    return numMultimaskOutputs > 1;
  }

  /** How many masks are returned: 1, 3 or 4. */
  public int numMultimaskOutputs() {
    return numMultimaskOutputs;
  }

  /** Whether the scores are low-res stability scores instead of the IoU head's predictions. */
  public boolean useStabilityScore() {
    return useStabilityScore;
  }

  /**
   * The first of the {@link #numMultimaskOutputs} consecutive mask tokens returned, for a decoder
   * with {@code tokens} mask tokens: 0 for one mask, 1 for all but the first, 0 for all.
   *
   * @throws SamException when the decoder has too few mask tokens for the count asked
   */
  public int firstMaskToken(int tokens) {
    if (numMultimaskOutputs == 1 || numMultimaskOutputs == tokens) {
      return 0;
    }
    if (numMultimaskOutputs == tokens - 1) {
      return 1;
    }
    throw new SamException(SamException.Kind.BAD_PROMPT, "num_multimask_outputs "
        + numMultimaskOutputs + " does not fit this model's decoder, which has " + tokens
        + " mask tokens (it can return 1, " + (tokens - 1) + " or " + tokens + " masks)");
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
    private int numMultimaskOutputs = 1;
    private boolean useStabilityScore;

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

    /** Three masks (tokens 1..3) or one (token 0), as SAM's {@code multimask_output}. */
    public Builder multimask(boolean m) {
      numMultimaskOutputs = m ? 3 : 1;
      return this;
    }

    /**
     * EdgeSAM's {@code num_multimask_outputs}: 1 (token 0), 3 (tokens 1..3) or 4 (tokens 0..3).
     *
     * @throws SamException for any other count
     */
    public Builder numMultimaskOutputs(int n) {
      if (n != 1 && n != 3 && n != 4) {
        throw new SamException(SamException.Kind.BAD_PROMPT,
            "num_multimask_outputs must be 1, 3 or 4, got " + n);
      }
      numMultimaskOutputs = n;
      return this;
    }

    /** Scores from the low-res logits' stability instead of the IoU head (default false). */
    public Builder useStabilityScore(boolean u) {
      useStabilityScore = u;
      return this;
    }

    public Prompt build() {
      if (points.isEmpty() && box == null && maskInput == null) {
        throw new SamException(SamException.Kind.BAD_PROMPT,
            "the prompt is empty: give at least one point, a box or a mask input");
      }
      return new Prompt(points, box, maskInput, numMultimaskOutputs, useStabilityScore);
    }
  }
}
