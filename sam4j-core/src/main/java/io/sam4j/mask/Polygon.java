package io.sam4j.mask;

import java.util.List;

/**
 * A polygon with holes in pixel-corner coordinates (see {@link Ring} for the coordinates and the
 * orientation convention). Immutable.
 *
 * <p>As {@link MaskPolygons} traces them, the exterior has a positive signed area, every hole a
 * negative one, holes lie inside the exterior, and rings meet one another at most at single
 * vertices, so that the polygon is valid in the OGC simple-features sense.
 *
 * @param exterior the outer ring
 * @param holes the holes, possibly none (copied)
 */
public record Polygon(Ring exterior, List<Ring> holes) {
  /** Copies {@code holes}. */
  public Polygon {
    if (exterior == null) {
      throw new IllegalArgumentException("a polygon needs an exterior ring");
    }
    holes = List.copyOf(holes);
  }

  /**
   * The signed area in square pixels: the exterior's signed area plus the holes' (negative) signed
   * areas. For an unsimplified traced polygon this is exactly its component's pixel count.
   */
  public double area() {
    long twice = exterior.twiceSignedArea();
    for (Ring hole : holes) {
      twice += hole.twiceSignedArea();
    }
    return twice / 2.0;
  }

  /** Number of vertices over all rings, each ring counted open. */
  public int vertexCount() {
    int n = exterior.size();
    for (Ring hole : holes) {
      n += hole.size();
    }
    return n;
  }
}
