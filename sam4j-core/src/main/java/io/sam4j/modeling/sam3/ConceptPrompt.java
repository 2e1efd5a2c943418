package io.sam4j.modeling.sam3;

import java.util.ArrayList;
import java.util.List;

/**
 * What SAM 3 looks for: a noun phrase, example boxes (positive: "things like this"; negative:
 * "not this"), and concept points, in any combination. Coordinates are normalised to the photo:
 * boxes as (cx, cy, w, h) / (W, H, W, H), points as (x / W, y / H). Without a phrase the model is
 * given the text {@code "visual"}, as the reference's processor does. Immutable.
 *
 * <pre>{@code
 * ConceptPrompt p = ConceptPrompt.text("yellow school bus");
 * ConceptPrompt q = ConceptPrompt.builder().box(0.68, 0.42, 0.39, 0.25, true).build();
 * }</pre>
 *
 * @param text the phrase, or null for none
 * @param boxes example boxes, in order
 * @param points concept points, in order
 */
public record ConceptPrompt(String text, List<Box> boxes, List<Point> points) {
  /** The text the reference uses when a prompt has no phrase. */
  public static final String VISUAL = "visual";

  /** An example box, normalised cxcywh. */
  public record Box(double cx, double cy, double w, double h, boolean positive) {
    public Box {
      finite(cx, cy, w, h);
    }
  }

  /** A concept point, normalised xy. */
  public record Point(double x, double y, boolean positive) {
    public Point {
      finite(x, y);
    }
  }

  public ConceptPrompt {
    boxes = List.copyOf(boxes);
    points = List.copyOf(points);
    if (text == null && boxes.isEmpty() && points.isEmpty()) {
      throw new IllegalArgumentException("a concept prompt needs a phrase, a box or a point");
    }
  }

  /** A phrase alone. */
  public static ConceptPrompt text(String phrase) {
    if (phrase == null) {
      throw new IllegalArgumentException("the phrase is null");
    }
    return new ConceptPrompt(phrase, List.of(), List.of());
  }

  /** The phrase the text encoder gets: the prompt's, or {@link #VISUAL}. */
  public String textUsed() {
    return text != null ? text : VISUAL;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a prompt. */
  public static final class Builder {
    private String text;
    private final List<Box> boxes = new ArrayList<>();
    private final List<Point> points = new ArrayList<>();

    /** Sets the phrase. */
    public Builder text(String phrase) {
      this.text = phrase;
      return this;
    }

    /** Adds an example box, normalised cxcywh. */
    public Builder box(double cx, double cy, double w, double h, boolean positive) {
      boxes.add(new Box(cx, cy, w, h, positive));
      return this;
    }

    /** Adds a concept point, normalised xy. */
    public Builder point(double x, double y, boolean positive) {
      points.add(new Point(x, y, positive));
      return this;
    }

    public ConceptPrompt build() {
      return new ConceptPrompt(text, boxes, points);
    }
  }

  private static void finite(double... v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("prompt coordinates must be finite, got " + d);
      }
    }
  }
}
