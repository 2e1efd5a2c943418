package io.sam4j.mask;

import static io.sam4j.mask.MaskPolygonsTest.ring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.result.Mask;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DouglasPeuckerTest {
  @Test
  void theStaircaseBandSimplifiesToAHexagon() {
    // By hand: the cut is v0 (0,0) and v8 (5,5), the farthest vertex. On (0,0)-(5,5) the
    // outer steps v1 (2,0) ... are sqrt(2) away, so v1 stays; on (2,0)-(5,5) v7 (5,3) is
    // 6 / sqrt(34) = 1.03 away and stays; on (2,0)-(5,3) everything is within sqrt(2) / 2. The
    // other chain is the mirror image: v9 (3,5) and v15 (0,2) stay.
    Polygon exact = MaskPolygons.trace(MaskPolygonsTest.band()).get(0);
    Polygon simple = MaskPolygons.trace(MaskPolygonsTest.band(), 1.0).get(0);
    assertEquals(ring(0, 0, 2, 0, 5, 3, 5, 5, 3, 5, 0, 2), simple.exterior());
    assertEquals(16, exact.vertexCount());
    assertEquals(6, simple.vertexCount());
    // shoelace of the hexagon: (0 + 6 + 10 + 10 + 6 + 0) / 2
    assertEquals(16.0, simple.area());
    assertWithin(exact.exterior(), simple.exterior(), 1.0);
  }

  @Test
  void toleranceZeroIsTheExactBoundary() {
    Ring r = MaskPolygons.trace(MaskPolygonsTest.band()).get(0).exterior();
    assertSame(r, DouglasPeucker.simplify(r, 0));
    assertEquals(MaskPolygons.trace(MaskPolygonsTest.band()),
        MaskPolygons.trace(MaskPolygonsTest.band(), 0));
  }

  @Test
  void aRingKeepsAtLeastThreeVertices() {
    // a single pixel with tolerance 1: both halves of the cut (0,0)-(1,1) collapse (the other
    // corners are sqrt(2) / 2 away), so the first of the farthest, (1,0), is kept
    Ring pixel = ring(0, 0, 1, 0, 1, 1, 0, 1);
    assertEquals(ring(0, 0, 1, 0, 1, 1), DouglasPeucker.simplify(pixel, 1.0));
    assertEquals(ring(0, 0, 1, 0, 1, 1), DouglasPeucker.simplify(pixel, 100.0));
    Ring triangle = ring(0, 0, 5, 0, 0, 5);
    assertSame(triangle, DouglasPeucker.simplify(triangle, 100.0));
  }

  @Test
  void holesAreSimplifiedToo() {
    // a 9x9 square whose hole is the staircase band |x - y| <= 2 inside a one-pixel border; the
    // square exterior has nothing to drop (its corners are 9 / sqrt(2) from the diagonal cut)
    byte[] b = new byte[9 * 9];
    for (int y = 0; y < 9; y++) {
      for (int x = 0; x < 9; x++) {
        boolean hole = x >= 1 && y >= 1 && x <= 7 && y <= 7 && Math.abs(x - y) <= 2;
        b[y * 9 + x] = (byte) (hole ? 0 : 1);
      }
    }
    Polygon exact = MaskPolygons.trace(Mask.fromBytes(b, 9, 9)).get(0);
    Polygon simple = MaskPolygons.trace(Mask.fromBytes(b, 9, 9), 1.0).get(0);
    assertEquals(1, exact.holes().size());
    assertTrue(simple.holes().get(0).size() < exact.holes().get(0).size());
    assertTrue(simple.holes().get(0).twiceSignedArea() < 0);
    assertWithin(exact.holes().get(0), simple.holes().get(0), 1.0);
    assertEquals(exact.exterior(), simple.exterior());
  }

  @Test
  void aDiskLosesMostVerticesAndStaysWithinTolerance() {
    int size = 61;
    byte[] b = new byte[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double dx = x + 0.5 - size / 2.0;
        double dy = y + 0.5 - size / 2.0;
        b[y * size + x] = (byte) (dx * dx + dy * dy <= 27 * 27 ? 1 : 0);
      }
    }
    Mask disk = Mask.fromBytes(b, size, size);
    Ring exact = MaskPolygons.trace(disk).get(0).exterior();
    for (double tolerance : new double[] {0.5, 1.0, 2.0}) {
      Ring simple = MaskPolygons.trace(disk, tolerance).get(0).exterior();
      // below sqrt(2) / 2 single pixel steps stay, from there on the staircase goes
      assertTrue(tolerance < 1 ? simple.size() < exact.size() : simple.size() * 3 < exact.size(),
          tolerance + ": " + simple.size() + " of " + exact.size());
      assertWithin(exact, simple, tolerance);
      assertSubsequence(exact, simple);
    }
  }

  @Test
  void randomShapesStayWithinTolerance() {
    Random random = new Random(5);
    for (int t = 0; t < 300; t++) {
      Mask m = TestMasks.random(random, 20, 0.75);
      double tolerance = random.nextDouble() * 3;
      List<Polygon> exact = MaskPolygons.trace(m);
      List<Polygon> simple = MaskPolygons.trace(m, tolerance);
      assertEquals(exact.size(), simple.size());
      for (int i = 0; i < exact.size(); i++) {
        assertWithin(exact.get(i).exterior(), simple.get(i).exterior(), tolerance);
        assertSubsequence(exact.get(i).exterior(), simple.get(i).exterior());
        for (int j = 0; j < exact.get(i).holes().size(); j++) {
          assertWithin(exact.get(i).holes().get(j), simple.get(i).holes().get(j), tolerance);
        }
      }
    }
  }

  @Test
  void refusesBadTolerances() {
    Mask m = MaskPolygonsTest.band();
    for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      String message = assertThrows(IllegalArgumentException.class,
          () -> MaskPolygons.trace(m, bad)).getMessage();
      assertTrue(message.contains("tolerance") && message.contains(String.valueOf(bad)), message);
    }
    assertThrows(IllegalArgumentException.class,
        () -> DouglasPeucker.simplify(ring(0, 0, 1, 0, 1, 1), -1));
  }

  /** Every vertex of {@code exact} lies within {@code tolerance} of some edge of {@code simple}. */
  static void assertWithin(Ring exact, Ring simple, double tolerance) {
    assertTrue(simple.size() >= 3);
    for (int i = 0; i < exact.size(); i++) {
      double best = Double.MAX_VALUE;
      for (int j = 0; j < simple.size(); j++) {
        int k = (j + 1) % simple.size();
        best = Math.min(best, DouglasPeucker.segmentDistance2(exact.x(i), exact.y(i),
            simple.x(j), simple.y(j), simple.x(k), simple.y(k)));
      }
      assertTrue(Math.sqrt(best) <= tolerance + 1e-12,
          "vertex " + i + " is " + Math.sqrt(best) + " from " + simple);
    }
  }

  /** The simplified ring's vertices are the exact ring's, in order, from the same start. */
  static void assertSubsequence(Ring exact, Ring simple) {
    int j = 0;
    for (int i = 0; i < exact.size() && j < simple.size(); i++) {
      if (exact.x(i) == simple.x(j) && exact.y(i) == simple.y(j)) {
        j++;
      }
    }
    assertEquals(simple.size(), j, "not a subsequence: " + simple);
    assertEquals(exact.x(0), simple.x(0));
    assertEquals(exact.y(0), simple.y(0));
  }
}
