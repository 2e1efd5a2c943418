package io.sam4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskPostprocessorTest {
  @Test
  void bilinearTwoToFourMatchesHandValues() {
    // align_corners=false, 2 -> 4: source positions -0.25 (clamped to 0), 0.25, 0.75, 1.25
    float a = 1f;
    float b = 5f;
    float c = -3f;
    float d = 7f;
    float[] up = MaskPostprocessor.upscale(new float[] {a, b, c, d}, 2, 4, new int[] {4, 4},
        new int[] {4, 4});
    float[] row0 = {a, 0.75f * a + 0.25f * b, 0.25f * a + 0.75f * b, b};
    float[] row3 = {c, 0.75f * c + 0.25f * d, 0.25f * c + 0.75f * d, d};
    assertArrayEquals(row0, Arrays.copyOfRange(up, 0, 4), 1e-6f);
    assertArrayEquals(row3, Arrays.copyOfRange(up, 12, 16), 1e-6f);
    // second row: a quarter of the way from row 0 to row 3's sources
    assertEquals(0.75f * a + 0.25f * c, up[4], 1e-6f);
  }

  @Test
  void rowRangesEqualTheWholeMask() {
    float[] low = new float[256 * 256];
    Random r = new Random(7);
    for (int i = 0; i < low.length; i++) {
      low[i] = (float) r.nextGaussian();
    }
    int[] input = {683, 1024};
    int[] orig = {1000, 1500};
    float[] whole = MaskPostprocessor.upscale(low, 256, 1024, input, orig);
    int[][] ranges = {{0, 1}, {0, 500}, {500, 1000}, {317, 318}, {999, 1000}, {400, 400}};
    for (int[] range : ranges) {
      float[] got = new float[(range[1] - range[0]) * orig[1]];
      new MaskPostprocessor(256, 1024, input, orig).rows(low, 0, range[0], range[1],
          (y, row) -> System.arraycopy(row, 0, got, (y - range[0]) * row.length, row.length));
      assertArrayEquals(Arrays.copyOfRange(whole, range[0] * orig[1], range[1] * orig[1]), got,
          "rows " + range[0] + ".." + range[1]);
    }
    MaskPostprocessor p = new MaskPostprocessor(256, 1024, input, orig);
    assertThrows(IllegalArgumentException.class, () -> p.rows(low, 0, 10, 1001, (y, row) -> { }));
  }

  @Test
  void thresholdRowsAgreeWithTheTwoStagesInEveryRowRange() {
    // a photo below the resized input's size takes the composed three-tap filter
    float[] low = new float[256 * 256];
    Random r = new Random(11);
    for (int i = 0; i < low.length; i++) {
      low[i] = (float) (5 * Math.sin(i % 256 / 17.0) * Math.cos(i / 256 / 23.0)
          + 0.3 * r.nextGaussian());
    }
    int[] input = {684, 1024};
    int[] orig = {534, 800};
    float[] whole = MaskPostprocessor.upscale(low, 256, 1024, input, orig);
    int[][] ranges = {{0, 534}, {0, 1}, {133, 267}, {533, 534}, {200, 200}};
    for (int[] range : ranges) {
      int[] checked = {0};
      new MaskPostprocessor(256, 1024, input, orig).rowsForThreshold(low, 0, range[0], range[1],
          (y, row) -> {
            for (int x = 0; x < row.length; x++) {
              float ref = whole[y * orig[1] + x];
              assertEquals(ref, row[x], 1e-5f * Math.max(1f, Math.abs(ref)), "pixel " + y + "," + x);
            }
            checked[0]++;
          });
      assertEquals(range[1] - range[0], checked[0], "rows " + range[0] + ".." + range[1]);
    }
    // the SAM 2 family's single stage: the same values as rows()
    MaskPostprocessor direct = MaskPostprocessor.direct(256, orig);
    float[] a = new float[orig[0] * orig[1]];
    float[] b = new float[orig[0] * orig[1]];
    direct.rows(low, 0, (y, row) -> System.arraycopy(row, 0, a, y * row.length, row.length));
    MaskPostprocessor.direct(256, orig).rowsForThreshold(low, 0, 0, orig[0],
        (y, row) -> System.arraycopy(row, 0, b, y * row.length, row.length));
    assertArrayEquals(a, b);
    assertThrows(IllegalArgumentException.class,
        () -> direct.rowsForThreshold(low, 0, 5, 535, (y, row) -> { }));
  }
}
