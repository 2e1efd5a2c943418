package io.sam4j.amg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** SAM 2's low-res hole and speck cleaning on hand-made logits. */
class LowResRegionsTest {
  private static final float F = 1f;
  private static final float B = -1f;

  @Test
  void fillsSmallHolesAndRemovesSmallSpecksUpToTheAreaInclusive() {
    float[] m = {
        F, F, F, F, B, B,
        F, B, F, F, B, B,
        F, F, F, F, B, B,
        F, F, F, F, B, B,
        B, B, B, B, B, B,
        B, B, B, B, F, F};
    float[] want = {
        F, F, F, F, B, B,
        F, 10f, F, F, B, B,
        F, F, F, F, B, B,
        F, F, F, F, B, B,
        B, B, B, B, B, B,
        B, B, B, B, -10f, -10f};
    float[] out = m.clone();
    assertEquals(3, LowResRegions.fill(out, 0, 6, 2));
    assertArrayEquals(want, out);
    out = m.clone();
    assertEquals(1, LowResRegions.fill(out, 0, 6, 1), "the speck of 2 stays at area 1");
  }

  @Test
  void diagonalNeighboursAreConnected() {
    float[] m = {
        F, F, B, B,
        F, F, B, B,
        B, B, F, B,
        B, B, B, B};
    float[] out = m.clone();
    assertEquals(0, LowResRegions.fill(out, 0, 4, 2), "(2,2) touches the block diagonally");
    assertArrayEquals(m, out);
  }
}
