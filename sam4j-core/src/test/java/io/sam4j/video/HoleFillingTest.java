package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code fill_holes_in_mask_scores}: small 8-connected background components become 0.1. */
class HoleFillingTest {
  @Test
  void fillsHolesUpToTheAreaAndNothingElse() {
    int side = 16;
    float[] m = new float[side * side];
    Arrays.fill(m, 5f);
    // an 8-pixel hole (diagonal steps connect) and a 9-pixel one
    int[][] small = {{2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}, {7, 7}, {8, 8}, {9, 9}};
    for (int[] p : small) {
      m[p[0] * side + p[1]] = -1f;
    }
    for (int i = 0; i < 9; i++) {
      m[14 * side + i] = 0f;
    }
    float[] f = HoleFilling.fill(m, side, 8);
    for (int[] p : small) {
      assertEquals(0.1f, f[p[0] * side + p[1]]);
    }
    assertEquals(0f, f[14 * side]);
    float[] none = new float[side * side];
    Arrays.fill(none, -1024f);
    assertSame(none, HoleFilling.fill(none, side, 8));
  }
}
