package io.sam4j.amg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code remove_small_regions} on hand-made masks ('#' set, '.' clear). */
class SmallRegionsTest {
  private static boolean[] mask(String... rows) {
    boolean[] m = new boolean[rows.length * rows[0].length()];
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < rows[y].length(); x++) {
        m[y * rows[y].length() + x] = rows[y].charAt(x) == '#';
      }
    }
    return m;
  }

  private static final String[] START = {
      "........",
      ".#####..",
      ".#.###..",
      ".#####..",
      ".#####.#",
      "......##",
      "#.......",
  };

  @Test
  void fillsHolesSmallerThanTheArea() {
    boolean[] m = mask(START);
    assertTrue(SmallRegions.remove(m, 7, 8, 3, true));
    // the 1-pixel hole at (2, 2) is filled; the outer background (36 pixels) stays
    assertArrayEquals(mask(
        "........",
        ".#####..",
        ".#####..",
        ".#####..",
        ".#####.#",
        "......##",
        "#......."), m);
  }

  @Test
  void removesIslandsSmallerThanTheArea() {
    boolean[] m = mask(START);
    assertTrue(SmallRegions.remove(m, 7, 8, 4, false));
    // the single pixel at the bottom left goes; the three pixels at the right touch the block at a
    // corner, so with 8-connectivity they belong to it and stay
    assertArrayEquals(mask(
        "........",
        ".#####..",
        ".#.###..",
        ".#####..",
        ".#####.#",
        "......##",
        "........"), m);
  }

  @Test
  void diagonalNeighboursAreOneRegion() {
    boolean[] m = mask(
        "#...",
        ".#..",
        "..#.",
        "....");
    // three pixels touching at corners: one 8-connected island of 3, kept at area 3
    assertFalse(SmallRegions.remove(m, 4, 4, 3, false));
    assertTrue(SmallRegions.remove(m, 4, 4, 4, false));
    // when every island is small, the largest one stays (here the only one)
    assertArrayEquals(mask("#...", ".#..", "..#.", "...."), m);
  }

  @Test
  void keepsTheLargestIslandWhenAllAreSmall() {
    boolean[] m = mask(
        "##..#",
        "#....",
        ".....");
    assertTrue(SmallRegions.remove(m, 3, 5, 10, false));
    assertArrayEquals(mask("##...", "#....", "....."), m);
  }

  @Test
  void unchangedMaskReportsNoChange() {
    boolean[] m = mask(".....", ".###.", ".###.", ".....");
    assertFalse(SmallRegions.remove(m, 4, 5, 2, true));
    assertFalse(SmallRegions.remove(m, 4, 5, 2, false));
    assertEquals(6, count(m));
  }

  @Test
  void boxIsInclusiveAndZeroWhenEmpty() {
    assertArrayEquals(new float[] {0, 1, 7, 6}, SmallRegions.box(mask(START), 7, 8));
    assertArrayEquals(new float[4], SmallRegions.box(new boolean[12], 3, 4));
  }

  @Test
  void postprocessPrefersUnchangedMasksAndUpdatesChangedOnes() {
    CropBoxes.Crop crop = new CropBoxes.Crop(0, 0, 8, 7, 0);
    // a: START, whose hole is filled and stray pixel removed (changes); b: what a becomes, already
    // clean (unchanged); c: a separate blob plus a stray pixel (changes, survives NMS, rewritten)
    MaskCandidate a = candidate(START, crop, 0.9f);
    MaskCandidate b = candidate(new String[] {
        "........", ".#####..", ".#####..", ".#####..", ".#####.#", "......##", "........"},
        crop, 0.5f);
    MaskCandidate c = candidate(new String[] {
        "........", "........", "........", "........", "........", "#.......", "##.....#"},
        crop, 0.7f);
    var out = SmallRegions.postprocess(java.util.List.of(a, b, c), 7, 8, 3, 0.7f, BoxNms::standard);
    assertEquals(2, out.size());
    assertEquals(0.5f, out.get(0).iou(), "the unchanged mask wins the NMS");
    MaskCandidate fixed = out.get(1);
    assertEquals(0.7f, fixed.iou());
    assertEquals(3, fixed.rle().area(), "the 3-pixel blob stays, the hole-free rest is removed");
    assertArrayEquals(new float[] {0, 5, 1, 6}, fixed.box());
  }

  private static MaskCandidate candidate(String[] rows, CropBoxes.Crop crop, float iou) {
    boolean[] m = mask(rows);
    byte[] b = new byte[m.length];
    for (int i = 0; i < m.length; i++) {
      b[i] = (byte) (m[i] ? 1 : 0);
    }
    return new MaskCandidate(io.sam4j.mask.Rle.encode(b, rows[0].length(), rows.length),
        SmallRegions.box(m, rows.length, rows[0].length()), iou, 1f, new double[] {1, 1}, crop);
  }

  private static int count(boolean[] m) {
    int n = 0;
    for (boolean b : m) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
