package io.sam4j.mask;

import java.util.ArrayList;
import java.util.List;

/**
 * Douglas-Peucker simplification of closed rings, with a tolerance in pixels.
 *
 * <p>A ring is cut at its first vertex and at the vertex farthest from it; each of the two chains
 * keeps its ends and, recursively, the vertex farthest from the segment joining them while that
 * distance exceeds the tolerance. Hence:
 *
 * <ul>
 *   <li>the kept vertices are a subset of the ring's, in order, starting with its first vertex;
 *   <li>every dropped vertex lies within {@code tolerance} (Euclidean distance, pixels) of the
 *       segment of the simplified ring that replaces it;
 *   <li>a ring keeps at least three vertices: if both chains collapse to their ends, the vertex
 *       farthest from the cut is kept too and the chain holding it simplified again.
 * </ul>
 *
 * <p>Like every Douglas-Peucker, it does not guarantee that the simplified rings stay simple or
 * disjoint when the tolerance is large compared with the features of the shape. Tolerance 0
 * returns the input unchanged.
 */
public final class DouglasPeucker {
  private DouglasPeucker() {}

  /**
   * The ring simplified with {@code tolerance} pixels.
   *
   * @throws IllegalArgumentException if {@code tolerance} is negative or not finite
   */
  public static Ring simplify(Ring ring, double tolerance) {
    checkTolerance(tolerance);
    int n = ring.size();
    if (tolerance == 0 || n <= 3) {
      return ring;
    }
    int cut = 0;
    long farthest = -1;
    for (int i = 1; i < n; i++) {
      long dx = ring.x(i) - ring.x(0);
      long dy = ring.y(i) - ring.y(0);
      if (dx * dx + dy * dy > farthest) {
        farthest = dx * dx + dy * dy;
        cut = i;
      }
    }
    double tol2 = tolerance * tolerance;
    boolean[] keep = new boolean[n];
    keep[0] = true;
    keep[cut] = true;
    keepFar(ring, 0, cut, tol2, keep);
    keepFar(ring, cut, n, tol2, keep);
    int kept = count(keep);
    if (kept < 3) {
      int k = farthestFrom(ring, 0, cut, 0, n);
      keep[k] = true;
      if (k < cut) {
        keepFar(ring, 0, k, tol2, keep);
        keepFar(ring, k, cut, tol2, keep);
      } else {
        keepFar(ring, cut, k, tol2, keep);
        keepFar(ring, k, n, tol2, keep);
      }
      kept = count(keep);
    }
    int[] xy = new int[2 * kept];
    int o = 0;
    for (int i = 0; i < n; i++) {
      if (keep[i]) {
        xy[o++] = ring.x(i);
        xy[o++] = ring.y(i);
      }
    }
    return Ring.wrap(xy);
  }

  /**
   * The polygon with its exterior and every hole simplified with {@code tolerance} pixels.
   *
   * @throws IllegalArgumentException if {@code tolerance} is negative or not finite
   */
  public static Polygon simplify(Polygon polygon, double tolerance) {
    List<Ring> holes = new ArrayList<>(polygon.holes().size());
    for (Ring hole : polygon.holes()) {
      holes.add(simplify(hole, tolerance));
    }
    return new Polygon(simplify(polygon.exterior(), tolerance), holes);
  }

  /** Throws unless {@code tolerance} is finite and at least 0. */
  static void checkTolerance(double tolerance) {
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("simplification tolerance must be a finite number of"
          + " pixels >= 0, got " + tolerance);
    }
  }

  /**
   * Marks, between kept vertices {@code from} and {@code to} (an index of {@code n} meaning vertex
   * 0 again), the vertices Douglas-Peucker keeps. Iterative, so long rings cannot overflow the
   * stack.
   */
  private static void keepFar(Ring ring, int from, int to, double tol2, boolean[] keep) {
    int n = ring.size();
    int[] stack = new int[2 * (to - from + 2)];
    int top = 0;
    stack[top++] = from;
    stack[top++] = to;
    while (top > 0) {
      int b = stack[--top];
      int a = stack[--top];
      if (b - a < 2) {
        continue;
      }
      int m = farthestFrom(ring, a, b % n, a + 1, b);
      if (distance2(ring, m, a, b % n) > tol2) {
        keep[m] = true;
        stack[top++] = a;
        stack[top++] = m;
        stack[top++] = m;
        stack[top++] = b;
      }
    }
  }

  /**
   * The vertex in {@code [lo, hi)}, other than {@code a} and {@code b}, farthest from segment
   * (a, b); the first one on ties.
   */
  private static int farthestFrom(Ring ring, int a, int b, int lo, int hi) {
    int best = -1;
    double bestD = -1;
    for (int i = lo; i < hi; i++) {
      if (i == a || i == b) {
        continue;
      }
      double d = distance2(ring, i, a, b);
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** Squared distance from vertex {@code p} to the segment between vertices {@code a} and b. */
  static double distance2(Ring ring, int p, int a, int b) {
    return segmentDistance2(ring.x(p), ring.y(p), ring.x(a), ring.y(a), ring.x(b), ring.y(b));
  }

  /** Squared distance from point (px, py) to the segment (ax, ay)-(bx, by). */
  static double segmentDistance2(double px, double py, double ax, double ay, double bx,
      double by) {
    double dx = bx - ax;
    double dy = by - ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 == 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
    t = Math.max(0, Math.min(1, t));
    double ex = ax + t * dx - px;
    double ey = ay + t * dy - py;
    return ex * ex + ey * ey;
  }

  private static int count(boolean[] keep) {
    int c = 0;
    for (boolean k : keep) {
      c += k ? 1 : 0;
    }
    return c;
  }
}
