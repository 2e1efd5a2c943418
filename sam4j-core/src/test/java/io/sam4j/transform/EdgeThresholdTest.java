package io.sam4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.result.Mask;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EdgeThresholdTest {
  private static final int SIDE = 256;

  /** Low-res logits of a blob-shaped mask (a few sign changes per row) with some noise. */
  private static float[] blobs(long seed) {
    Random r = new Random(seed);
    float[] low = new float[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        double d1 = Math.hypot(x - 90, y - 120) - 60;
        double d2 = Math.hypot(x - 190, y - 70) - 30;
        low[y * SIDE + x] = (float) (-Math.min(d1, d2) / 4 + 0.05 * r.nextGaussian());
      }
    }
    return low;
  }

  /** The bits the full upscaling gives: rowsForThreshold's values above zero. */
  private static long[] reference(MaskPostprocessor p, float[] low, int h, int w) {
    long[] bits = new long[(h * w + 63) >>> 6];
    p.rowsForThreshold(low, 0, 0, h, (y, row) -> {
      for (int x = 0; x < w; x++) {
        if (row[x] > 0f) {
          int i = y * w + x;
          bits[i >>> 6] |= 1L << i;
        }
      }
    });
    return bits;
  }

  private static void assertSameBits(long[] expected, long[] got, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], got[i], what + ": word " + i);
    }
  }

  @Test
  void edgeOnlyBitsEqualTheFullUpscalingInEveryRowRange() {
    int[][] sizes = {{534, 800}, {770, 769}, {100, 37}, {5, 9}};
    float[] low = blobs(3);
    // exact zeros, tiny positives and a NaN inside uniform regions must not be taken as uniform
    low[120 * SIDE + 90] = 0f;
    low[121 * SIDE + 91] = 1e-35f;
    low[60 * SIDE + 30] = -0f;
    low[200 * SIDE + 20] = Float.NaN;
    for (int[] size : sizes) {
      int h = size[0];
      int w = size[1];
      int[] input = h >= w ? new int[] {1024, Math.round(1024f * w / h)}
          : new int[] {Math.round(1024f * h / w), 1024};
      MaskPostprocessor p = new MaskPostprocessor(SIDE, 1024, input, new int[] {h, w});
      long[] expected = reference(p, low, h, w);
      long[] whole = new long[expected.length];
      p.thresholdRows(low, 0, 0, h, whole);
      assertSameBits(expected, whole, h + "x" + w);
      // two ranges split on a row that starts a word
      int step = 64 / gcd(w, 64);
      int split = h / 2 / step * step;
      long[] parts = new long[expected.length];
      p.thresholdRows(low, 0, 0, split, parts);
      p.thresholdRows(low, 0, split, h, parts);
      assertSameBits(expected, parts, h + "x" + w + " in two ranges");
    }
  }

  @Test
  void aLargePhotoTakesTheEdgesOfTheComposedFilter() {
    // 1500x2241: rowsForThreshold makes it in two stages, whose values differ from the composed
    // filter's by float rounding: the bits agree wherever the logit is not within rounding of 0
    int h = 1500;
    int w = 2241;
    float[] low = blobs(5);
    MaskPostprocessor p = new MaskPostprocessor(SIDE, 1024, new int[] {685, 1024},
        new int[] {h, w});
    long[] bits = new long[(h * w + 63) >>> 6];
    p.thresholdRows(low, 0, 0, h, bits);
    int[] checked = {0};
    p.rowsForThreshold(low, 0, 0, h, (y, row) -> {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (Math.abs(row[x]) > 1e-5f) {
          assertEquals(row[x] > 0f, (bits[i >>> 6] >>> i & 1) == 1, "pixel " + y + "," + x);
          checked[0]++;
        }
      }
    });
    assertTrue(checked[0] > h * w * 99L / 100, "nearly every pixel is away from zero");
  }

  @Test
  void aMaskThatChangesSignEverywhereTakesTheFullUpscaling() {
    float[] noise = new float[SIDE * SIDE];
    Random r = new Random(9);
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) r.nextGaussian();
    }
    MaskPostprocessor p = new MaskPostprocessor(SIDE, 1024, new int[] {684, 1024},
        new int[] {534, 800});
    MaskPostprocessor.Taps[] t = p.composedTapsForTest();
    int n = (534 * 800 + 63) >>> 6;
    assertFalse(EdgeThreshold.apply(noise, 0, SIDE, t[0], t[1], 0, 534, new long[n]));
    assertTrue(EdgeThreshold.apply(blobs(4), 0, SIDE, t[0], t[1], 0, 534, new long[n]));
    long[] bits = new long[n];
    p.thresholdRows(noise, 0, 0, 534, bits);
    assertSameBits(reference(p, noise, 534, 800), bits, "noise");
  }

  @Test
  void positiveValuesSetTheirBitsAtAnyOffset() {
    float[] row = {1f, -1f, 0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE, 3f, 2f, -5f, 7f};
    boolean[] set = {true, false, false, false, true, false, true, true, true, false, true};
    float[] wide = new float[150];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = row[i % row.length];
    }
    for (int at : new int[] {0, 5, 53, 60, 64, 120}) {
      long[] bits = new long[6];
      bits[5] = -1L;
      Mask.setPositiveBits(wide, wide.length, at, bits);
      for (int i = 0; i < 320; i++) {
        boolean expected = i >= at && i < at + wide.length && set[(i - at) % row.length];
        assertEquals(expected, (bits[i >>> 6] >>> i & 1) == 1, "offset " + at + " bit " + i);
      }
      assertEquals(-1L, bits[5], "a word past the row is left alone");
    }
  }

  @Test
  void onesFillExactlyTheirRange() {
    int[][] ranges = {{0, 0}, {3, 9}, {60, 70}, {64, 127}, {5, 200}, {63, 64}};
    for (int[] range : ranges) {
      long[] bits = new long[4];
      EdgeThreshold.setOnes(bits, range[0], range[1]);
      for (int i = 0; i < 256; i++) {
        assertEquals(i >= range[0] && i <= range[1], (bits[i >>> 6] >>> i & 1) == 1,
            range[0] + ".." + range[1] + " bit " + i);
      }
    }
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
