package io.sam4j.mask;

import static io.sam4j.mask.TestMasks.mask;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.result.Mask;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Uncompressed RLE. Every expected count, area and box below was worked out by hand from the
 * column-major definition (the comments show the column walk) and then confirmed with pycocotools
 * 2.0.11 ({@code mask.encode}, {@code area}, {@code toBbox} on a Fortran-ordered uint8 array).
 */
class RleTest {
  @Test
  void encodesColumnMajorStartingWithZeros() {
    // columns: (0, 1), (1, 1) -> 0 | 1 1 1 -> [1, 3]
    Rle a = Rle.encode(mask(new int[][] {{0, 1}, {1, 1}}));
    assertArrayEquals(new long[] {1, 3}, a.counts());
    assertArrayEquals(new int[] {2, 2}, a.size());
    assertEquals(3, a.area());
    assertArrayEquals(new int[] {0, 0, 2, 2}, a.bbox());

    // columns: 000, 010, 110, 000 -> 0000 | 1 | 0 | 11 | 0000 -> [4, 1, 1, 2, 4]
    Rle b = Rle.encode(mask(new int[][] {{0, 0, 1, 0}, {0, 1, 1, 0}, {0, 0, 0, 0}}));
    assertArrayEquals(new long[] {4, 1, 1, 2, 4}, b.counts());
    assertEquals(3, b.height());
    assertEquals(4, b.width());
    assertEquals(3, b.area());
    assertArrayEquals(new int[] {1, 0, 2, 2}, b.bbox());
  }

  @Test
  void aMaskStartingWithOneHasALeadingZeroCount() {
    Rle full = Rle.encode(mask(new int[][] {{1, 1, 1}, {1, 1, 1}}));
    assertArrayEquals(new long[] {0, 6}, full.counts());
    assertEquals(6, full.area());
    assertArrayEquals(new int[] {0, 0, 3, 2}, full.bbox());

    Rle none = Rle.encode(mask(new int[][] {{0, 0, 0}, {0, 0, 0}}));
    assertArrayEquals(new long[] {6}, none.counts());
    assertEquals(0, none.area());
    assertArrayEquals(new int[] {0, 0, 0, 0}, none.bbox());

    // pycocotools writes [0] for a mask with no pixels at all
    assertArrayEquals(new long[] {0}, Rle.encode(new byte[0], 0, 0).counts());
  }

  /** 10x10, set at column-major positions [17, 57) and [60, 80). */
  static byte[] tenByTen() {
    byte[] b = new byte[100];
    for (int x = 0; x < 10; x++) {
      for (int y = 0; y < 10; y++) {
        int p = x * 10 + y;
        b[y * 10 + x] = (byte) (p >= 17 && p < 57 || p >= 60 && p < 80 ? 1 : 0);
      }
    }
    return b;
  }

  @Test
  void runsAcrossColumnsWidenTheBoxToAllRows() {
    Rle r = Rle.encode(tenByTen(), 10, 10);
    assertArrayEquals(new long[] {17, 40, 3, 20, 20}, r.counts());
    assertEquals(60, r.area());
    // first run (x 1, y 7) .. (x 5, y 6) wraps columns: rows 0..9; last run ends in column 7
    assertArrayEquals(new int[] {1, 0, 7, 10}, r.bbox());
  }

  @Test
  void boxOfASingleLastPixel() {
    byte[] b = new byte[1000 * 1000];
    b[b.length - 1] = 1;
    Rle r = Rle.encode(b, 1000, 1000);
    assertArrayEquals(new long[] {999_999, 1}, r.counts());
    assertArrayEquals(new int[] {999, 999, 1, 1}, r.bbox());
  }

  @Test
  void boxOfAWrappingRunCoversRowsItSkips() {
    // h = 4, w = 2: one run at column-major 3..4 = (x 0, y 3) and (x 1, y 0): rows 0 and 3 only,
    // but the box spans rows 0..3 because it is min..max
    Rle r = Rle.of(4, 2, new long[] {3, 2, 3});
    assertArrayEquals(new int[] {0, 0, 2, 4}, r.bbox());
    assertEquals(mask(new int[][] {{0, 1}, {0, 0}, {0, 0}, {1, 0}}), r.toMask());
  }

  @Test
  void zeroLengthRunsAreAcceptedAndSkippedByTheBox() {
    // pycocotools 2.0.11 frPyObjects/toBbox of these counts: box [0, 3, 1, 1], area 1
    Rle r = Rle.of(5, 1, new long[] {3, 0, 0, 1, 1});
    assertEquals(1, r.area());
    assertArrayEquals(new int[] {0, 3, 1, 1}, r.bbox());
    assertEquals(mask(new int[][] {{0}, {0}, {0}, {1}, {0}}), r.toMask());
    assertNotEquals(Rle.of(5, 1, new long[] {3, 1, 1}), r);
    assertEquals(Rle.of(5, 1, new long[] {3, 1, 1}).toMask(), r.toMask());
  }

  @Test
  void roundTripsRandomMasks() {
    Random random = new Random(7);
    for (int t = 0; t < 200; t++) {
      Mask m = TestMasks.random(random, 9, 0.4);
      Rle r = Rle.encode(m);
      assertEquals(m, r.toMask());
      assertEquals(m.area(), r.area());
      assertEquals(r, Rle.encode(m.toByteArray(), m.width(), m.height()));
      int[] bounds = m.bounds();
      if (bounds != null) {
        assertArrayEquals(new int[] {bounds[0], bounds[1], bounds[2] - bounds[0] + 1,
            bounds[3] - bounds[1] + 1}, r.bbox());
      }
    }
  }

  @Test
  void countsAreCopiedBothWays() {
    long[] counts = {1, 3};
    Rle r = Rle.of(2, 2, counts);
    counts[0] = 99;
    r.counts()[0] = 99;
    assertArrayEquals(new long[] {1, 3}, r.counts());
  }

  @Test
  void refusesInconsistentCounts() {
    String sum = assertThrows(IllegalArgumentException.class,
        () -> Rle.of(2, 2, new long[] {1, 2})).getMessage();
    assertTrue(sum.contains("sum to 3") && sum.contains("2 * 2 = 4"), sum);
    String negative = assertThrows(IllegalArgumentException.class,
        () -> Rle.of(2, 2, new long[] {5, -1})).getMessage();
    assertTrue(negative.contains("count 1 is negative"), negative);
    assertThrows(IllegalArgumentException.class, () -> Rle.of(-1, 2, new long[0]));
    assertThrows(IllegalArgumentException.class,
        () -> Rle.of(2, 2, new long[] {Long.MAX_VALUE, Long.MAX_VALUE, 2}));
    assertThrows(IllegalArgumentException.class, () -> Rle.encode(new byte[5], 2, 2));
  }
}
