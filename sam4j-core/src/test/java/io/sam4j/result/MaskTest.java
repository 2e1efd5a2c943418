package io.sam4j.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MaskTest {
  @Test
  void iouCountsSharedPixelsOverEitherPixels() {
    // 3x2: a = {0, 1, 2}, b = {1, 2, 4}: intersection 2, union 4
    Mask a = Mask.fromBytes(new byte[] {1, 1, 1, 0, 0, 0}, 3, 2);
    Mask b = Mask.fromBytes(new byte[] {0, 1, 1, 0, 1, 0}, 3, 2);
    assertEquals(0.5, a.iou(b), 0.0);
    assertEquals(0.5, b.iou(a), 0.0);
    assertEquals(1.0, a.iou(a), 0.0);
    Mask empty = Mask.fromBytes(new byte[6], 3, 2);
    assertEquals(0.0, a.iou(empty), 0.0);
    assertEquals(1.0, empty.iou(empty), 0.0);
    assertThrows(IllegalArgumentException.class, () -> a.iou(Mask.fromBytes(new byte[6], 2, 3)));
  }

  @Test
  void wordsHoldPixelsInRowMajorOrder() {
    // 10x7 = 70 pixels in two words: pixel 0, pixel 63 (x 3, y 6) and pixel 69 (x 9, y 6)
    Mask m = Mask.fromWords(new long[] {1L | 1L << 63, 1L << 5}, 10, 7);
    assertEquals(3, m.area());
    assertEquals(true, m.get(0, 0));
    assertEquals(true, m.get(3, 6));
    assertEquals(true, m.get(9, 6));
    assertEquals(false, m.get(8, 6));
    assertEquals(m, Mask.fromBytes(m.toByteArray(), 10, 7));
    assertThrows(IllegalArgumentException.class, () -> Mask.fromWords(new long[1], 10, 7));
    assertThrows(IllegalArgumentException.class,
        () -> Mask.fromWords(new long[] {0, 1L << 6}, 10, 7));
  }
}
