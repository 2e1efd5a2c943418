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
}
