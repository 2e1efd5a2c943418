package io.sam4j.mask;

import java.util.Arrays;

/**
 * A closed ring of polygon vertices in pixel-corner coordinates. Immutable.
 *
 * <p>Pixel (x, y) of a mask is the unit square {@code [x, x + 1] x [y, y + 1]}; vertices are its
 * integer corners, x to the right and y <b>down</b> as in the image. A ring of {@code n} vertices
 * has the edges {@code v0 -> v1 -> ... -> v(n-1) -> v0}; {@link #toArray()} lists it closed, with
 * {@code v0} repeated at the end, as GeoJSON does.
 *
 * <p>Orientation is read from the numbers with the shoelace formula: {@link #signedArea()} is
 * positive for a ring that is counter-clockwise when y points up (the right-hand rule of RFC
 * 7946). Since y points down in an image, such a ring looks clockwise on screen. {@link
 * MaskPolygons} makes exterior rings positive and holes negative.
 */
public final class Ring {
  private final int[] xy;

  private Ring(int[] xy) {
    this.xy = xy;
  }

  /**
   * A ring from interleaved open coordinates {@code x0, y0, x1, y1, ...} (copied), without repeating
   * the first vertex at the end.
   *
   * @throws IllegalArgumentException if the length is odd or there are fewer than 3 vertices
   */
  public static Ring of(int... xy) {
    if (xy.length % 2 != 0 || xy.length < 6) {
      throw new IllegalArgumentException("a ring needs at least 3 vertices as x, y pairs, got "
          + xy.length + " numbers");
    }
    return new Ring(xy.clone());
  }

  /** Wraps coordinates the caller no longer touches (not copied). */
  static Ring wrap(int[] xy) {
    return new Ring(xy);
  }

  /** Number of distinct vertices {@code n} (the closed form has {@code n + 1}). */
  public int size() {
    return xy.length / 2;
  }

  /** X of vertex {@code i}, {@code 0 <= i < size()}. */
  public int x(int i) {
    return xy[2 * i];
  }

  /** Y of vertex {@code i}, {@code 0 <= i < size()}. */
  public int y(int i) {
    return xy[2 * i + 1];
  }

  /**
   * The closed ring as interleaved coordinates {@code x0, y0, ..., x(n-1), y(n-1), x0, y0}: {@code
   * 2 * (size() + 1)} numbers (a new array).
   */
  public int[] toArray() {
    int[] out = Arrays.copyOf(xy, xy.length + 2);
    out[xy.length] = xy[0];
    out[xy.length + 1] = xy[1];
    return out;
  }

  /**
   * Twice the signed area by the shoelace formula, {@code sum(x_i * y_(i+1) - x_(i+1) * y_i)}:
   * exact, positive for exterior rings and negative for holes (see the class comment).
   */
  public long twiceSignedArea() {
    long sum = 0;
    int n = xy.length;
    for (int i = 0; i < n; i += 2) {
      int j = (i + 2) % n;
      sum += (long) xy[i] * xy[j + 1] - (long) xy[j] * xy[i + 1];
    }
    return sum;
  }

  /** The signed area in square pixels, {@code twiceSignedArea() / 2.0}. */
  public double signedArea() {
    return twiceSignedArea() / 2.0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ring r && Arrays.equals(r.xy, xy);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(xy);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Ring[");
    for (int i = 0; i < xy.length && i < 32; i += 2) {
      s.append(i == 0 ? "" : " ").append('(').append(xy[i]).append(',').append(xy[i + 1])
          .append(')');
    }
    return s.append(xy.length > 32 ? " ... " : "").append(", ").append(size())
        .append(" vertices]").toString();
  }
}
