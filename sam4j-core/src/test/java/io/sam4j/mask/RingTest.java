package io.sam4j.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingTest {
  @Test
  void shoelaceSignFollowsTheRightHandRuleOnTheNumbers() {
    // (0,0) (2,0) (2,1) (0,1): 0 + 2 + 2 + 0 = 4 = twice the area of a 2x1 rectangle
    Ring ccw = Ring.of(0, 0, 2, 0, 2, 1, 0, 1);
    assertEquals(4, ccw.twiceSignedArea());
    assertEquals(2.0, ccw.signedArea());
    assertEquals(-2.0, Ring.of(0, 0, 0, 1, 2, 1, 2, 0).signedArea());
    assertEquals(0.5, Ring.of(0, 0, 1, 0, 1, 1).signedArea());
  }

  @Test
  void closedArrayRepeatsTheFirstVertex() {
    Ring r = Ring.of(1, 2, 3, 2, 3, 5);
    assertArrayEquals(new int[] {1, 2, 3, 2, 3, 5, 1, 2}, r.toArray());
    assertEquals(3, r.size());
    assertEquals(3, r.x(2));
    assertEquals(5, r.y(2));
  }

  @Test
  void isImmutable() {
    int[] xy = {0, 0, 1, 0, 1, 1};
    Ring r = Ring.of(xy);
    xy[0] = 9;
    r.toArray()[0] = 9;
    assertEquals(0, r.x(0));
    List<Ring> holes = new ArrayList<>(List.of(r));
    Polygon p = new Polygon(Ring.of(0, 0, 4, 0, 4, 4), holes);
    holes.clear();
    assertEquals(1, p.holes().size());
    assertThrows(UnsupportedOperationException.class, () -> p.holes().clear());
  }

  @Test
  void refusesTooFewVertices() {
    String message = assertThrows(IllegalArgumentException.class, () -> Ring.of(0, 0, 1, 1))
        .getMessage();
    assertTrue(message.contains("at least 3 vertices"), message);
    assertThrows(IllegalArgumentException.class, () -> Ring.of(0, 0, 1, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> new Polygon(null, List.of()));
  }
}
