package io.sam4j.mask;

import static io.sam4j.mask.TestMasks.mask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.result.Mask;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Exact tracing. The expected rings were drawn by hand on squared paper: pixel (x, y) is the square
 * [x, x + 1] x [y, y + 1], exteriors run with positive shoelace area (right along the top edge
 * first), holes the other way, each ring from its topmost-leftmost corner.
 */
class MaskPolygonsTest {
  static Ring ring(int... xy) {
    return Ring.of(xy);
  }

  @Test
  void aSquare() {
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {0, 0, 0, 0},
      {0, 1, 1, 0},
      {0, 1, 1, 0},
      {0, 0, 0, 0}}));
    assertEquals(List.of(new Polygon(ring(1, 1, 3, 1, 3, 3, 1, 3), List.of())), p);
    assertEquals(4.0, p.get(0).area());
    assertEquals(8, p.get(0).exterior().twiceSignedArea());
  }

  @Test
  void aSquareWithAHoleAtTheMaskBorder() {
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {1, 1, 1},
      {1, 0, 1},
      {1, 1, 1}}));
    assertEquals(List.of(new Polygon(ring(0, 0, 3, 0, 3, 3, 0, 3),
        List.of(ring(1, 1, 1, 2, 2, 2, 2, 1)))), p);
    assertEquals(9.0, p.get(0).exterior().signedArea());
    assertEquals(-1.0, p.get(0).holes().get(0).signedArea());
    assertEquals(8.0, p.get(0).area());
  }

  @Test
  void twoComponents() {
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {1, 1, 0, 0, 0},
      {0, 0, 0, 1, 0},
      {0, 0, 0, 1, 1}}));
    assertEquals(List.of(
        new Polygon(ring(0, 0, 2, 0, 2, 1, 0, 1), List.of()),
        new Polygon(ring(3, 1, 4, 1, 4, 2, 5, 2, 5, 3, 3, 3), List.of())), p);
    assertEquals(2.0, p.get(0).area());
    assertEquals(3.0, p.get(1).area());
  }

  @Test
  void diagonalPixelsAreSeparatePolygonsTouchingAtCorners() {
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {1, 0, 0},
      {0, 1, 0},
      {0, 0, 1}}));
    assertEquals(List.of(
        new Polygon(ring(0, 0, 1, 0, 1, 1, 0, 1), List.of()),
        new Polygon(ring(1, 1, 2, 1, 2, 2, 1, 2), List.of()),
        new Polygon(ring(2, 2, 3, 2, 3, 3, 2, 3), List.of())), p);
  }

  /** The band |x - y| <= 1 of a 5x5 mask: 13 pixels, a staircase of 16 corners. */
  static Mask band() {
    return mask(new int[][] {
      {1, 1, 0, 0, 0},
      {1, 1, 1, 0, 0},
      {0, 1, 1, 1, 0},
      {0, 0, 1, 1, 1},
      {0, 0, 0, 1, 1}});
  }

  @Test
  void aDiagonalBandIsOneStaircase() {
    List<Polygon> p = MaskPolygons.trace(band());
    assertEquals(List.of(new Polygon(ring(0, 0, 2, 0, 2, 1, 3, 1, 3, 2, 4, 2, 4, 3, 5, 3, 5, 5,
        3, 5, 3, 4, 2, 4, 2, 3, 1, 3, 1, 2, 0, 2), List.of())), p);
    assertEquals(13.0, p.get(0).area());
  }

  @Test
  void anOuterBoundaryThroughADiagonalCornerIsSplitThere() {
    // set pixels (1, 0) and (0, 1) meet only at corner (1, 1); so do the unset (0, 0) and (1, 1),
    // which makes (1, 1) part of the outside. The outline passes (1, 1) twice and is split into
    // an exterior and a hole that touch there.
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {0, 1, 1},
      {1, 0, 1},
      {1, 1, 1}}));
    assertEquals(List.of(new Polygon(ring(1, 0, 3, 0, 3, 3, 0, 3, 0, 1, 1, 1),
        List.of(ring(1, 1, 1, 2, 2, 2, 2, 1)))), p);
    assertEquals(7.0, p.get(0).area());
  }

  @Test
  void aHoleThroughADiagonalCornerIsSplitIntoTwoHoles() {
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {1, 1, 1, 1},
      {1, 0, 1, 1},
      {1, 1, 0, 1},
      {1, 1, 1, 1}}));
    assertEquals(List.of(new Polygon(ring(0, 0, 4, 0, 4, 4, 0, 4),
        List.of(ring(1, 1, 1, 2, 2, 2, 2, 1), ring(2, 2, 2, 3, 3, 3, 3, 2)))), p);
    assertEquals(14.0, p.get(0).area());
  }

  @Test
  void anIslandInAHoleIsItsOwnPolygon() {
    List<Polygon> p = MaskPolygons.trace(mask(new int[][] {
      {1, 1, 1, 1, 1},
      {1, 0, 0, 0, 1},
      {1, 0, 1, 0, 1},
      {1, 0, 0, 0, 1},
      {1, 1, 1, 1, 1}}));
    assertEquals(List.of(
        new Polygon(ring(0, 0, 5, 0, 5, 5, 0, 5), List.of(ring(1, 1, 1, 4, 4, 4, 4, 1))),
        new Polygon(ring(2, 2, 3, 2, 3, 3, 2, 3), List.of())), p);
  }

  @Test
  void anEmptyMaskHasNoPolygons() {
    assertEquals(List.of(), MaskPolygons.trace(Mask.fromBytes(new byte[6], 3, 2)));
    assertEquals(List.of(), MaskPolygons.trace(Mask.fromBytes(new byte[0], 0, 0)));
  }

  /**
   * On random masks: rings are simple and rectilinear with no collinear vertices, exteriors
   * positive and holes negative, one polygon per 4-connected component, areas exact, and the
   * even-odd fill of all rings at the pixel centres gives back the mask.
   */
  @Test
  void randomMasksAreTracedExactly() {
    Random random = new Random(3);
    for (int t = 0; t < 300; t++) {
      Mask m = TestMasks.random(random, 12, 0.3 + 0.5 * random.nextDouble());
      int w = m.width();
      int h = m.height();
      List<Polygon> polygons = MaskPolygons.trace(m);
      assertEquals(components(m.toByteArray(), w, h), polygons.size(), m.toString());
      double area = 0;
      for (Polygon p : polygons) {
        assertTrue(p.exterior().twiceSignedArea() > 0);
        checkSimpleRectilinear(p.exterior());
        for (Ring hole : p.holes()) {
          assertTrue(hole.twiceSignedArea() < 0);
          checkSimpleRectilinear(hole);
        }
        area += p.area();
      }
      assertEquals(m.area(), area, 0.0);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          assertEquals(m.get(x, y), inside(polygons, x + 0.5, y + 0.5), x + "," + y);
        }
      }
    }
  }

  static void checkSimpleRectilinear(Ring r) {
    Set<Long> seen = new HashSet<>();
    int n = r.size();
    for (int i = 0; i < n; i++) {
      assertTrue(seen.add(((long) r.x(i) << 32) | r.y(i)), "vertex repeated in " + r);
      int j = (i + 1) % n;
      int k = (i + 2) % n;
      boolean horizontal = r.y(i) == r.y(j);
      assertTrue(horizontal ^ r.x(i) == r.x(j), "edge not axis-aligned in " + r);
      assertTrue(horizontal != (r.y(j) == r.y(k)), "collinear vertices in " + r);
    }
  }

  /** Even-odd rule over every ring of every polygon, by horizontal ray casting. */
  static boolean inside(List<Polygon> polygons, double px, double py) {
    boolean in = false;
    for (Polygon p : polygons) {
      in ^= crossings(p.exterior(), px, py);
      for (Ring hole : p.holes()) {
        in ^= crossings(hole, px, py);
      }
    }
    return in;
  }

  private static boolean crossings(Ring r, double px, double py) {
    boolean odd = false;
    for (int i = 0, j = r.size() - 1; i < r.size(); j = i++) {
      if ((r.y(i) > py) != (r.y(j) > py)
          && px < r.x(j) + (py - r.y(j)) * (r.x(i) - r.x(j)) / (double) (r.y(i) - r.y(j))) {
        odd = !odd;
      }
    }
    return odd;
  }

  /** Number of 4-connected components, by union-find over right and down neighbours. */
  static int components(byte[] b, int w, int h) {
    int[] parent = new int[b.length];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    int count = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        continue;
      }
      count++;
      if (i % w + 1 < w && b[i + 1] != 0) {
        count -= union(parent, i, i + 1);
      }
      if (i + w < b.length && b[i + w] != 0) {
        count -= union(parent, i, i + w);
      }
    }
    return count;
  }

  private static int union(int[] parent, int a, int b) {
    int ra = root(parent, a);
    int rb = root(parent, b);
    parent[ra] = rb;
    return ra == rb ? 0 : 1;
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      i = parent[i];
    }
    return i;
  }
}
