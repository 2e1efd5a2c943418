package io.sam4j.eval.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** sam4j's occlusion: exact covered pixels and fractions, placement, determinism, bad input. */
class OcclusionTest {
  private static RgbImage image(int w, int h, long seed) {
    byte[] rgb = new byte[w * h * 3];
    new SplittableRandom(seed).nextBytes(rgb);
    return RgbImage.of(w, h, rgb);
  }

  @Test
  void coversExactlyTheRoundedFractionOfTheSnappedBox() {
    RgbImage in = image(320, 214, 1);
    // snapped outward: x 10..111, y 20..70 -> 101 x 50 = 5050 pixels
    double[] box = {10.5, 20, 110.2, 70};
    long[] want = {505, 1010, 1515, 2020, 2525};
    for (int s = 1; s <= 5; s++) {
      Occlusion.Patch p = Occlusion.patch(320, 214, box, s, 42L + s);
      assertEquals(5050, p.boxArea());
      assertEquals(want[s - 1], p.pixels(), "severity " + s);
      assertEquals(s / 10.0, p.fraction(), 1e-15, "severity " + s);
      assertEquals(s / 10.0, Occlusion.fraction(s), 0);
      RgbImage out = Occlusion.paint(in, p);
      assertPainted(in, out, p, 10, 20, 111, 70);
    }
  }

  @Test
  void everyBoxAndSeedCoversRoundHalfUpOfTheFractionInsideTheBox() {
    SplittableRandom r = new SplittableRandom(3);
    for (int t = 0; t < 400; t++) {
      int w = 1 + r.nextInt(60);
      int h = 1 + r.nextInt(60);
      double x0 = r.nextDouble(-10, w);
      double y0 = r.nextDouble(-10, h);
      double[] box = {x0, y0, x0 + r.nextDouble(0, w), y0 + r.nextDouble(0, h)};
      int s = 1 + r.nextInt(5);
      Occlusion.Patch p = Occlusion.patch(w, h, box, s, t);
      int bx0 = (int) Math.max(0, Math.floor(box[0]));
      int by0 = (int) Math.max(0, Math.floor(box[1]));
      int bx1 = (int) Math.min(w, Math.ceil(box[2]));
      int by1 = (int) Math.min(h, Math.ceil(box[3]));
      long area = (long) Math.max(0, bx1 - bx0) * Math.max(0, by1 - by0);
      assertEquals(area, p.boxArea(), "trial " + t);
      assertEquals(Math.round(s * area / 10.0 + 1e-9), p.pixels(), "trial " + t);
      assertTrue(Math.abs(p.fraction() - (area == 0 ? 0 : s / 10.0)) <= 0.5 / Math.max(1, area)
          + 1e-12, "trial " + t);
      RgbImage in = image(w, h, t);
      assertPainted(in, Occlusion.paint(in, p), p, bx0, by0, bx1, by1);
    }
  }

  @Test
  void halfwayRoundsUpAndBelowHalfAPixelLeavesTheImageAlone() {
    RgbImage in = image(8, 8, 2);
    Occlusion.Patch half = Occlusion.patch(8, 8, new double[] {0, 0, 5, 1}, 1, 0);
    assertEquals(1, half.pixels(), "10% of 5 pixels = 0.5 -> 1");
    Occlusion.Patch none = Occlusion.patch(8, 8, new double[] {0, 0, 4, 1}, 1, 0);
    assertEquals(0, none.pixels(), "10% of 4 pixels = 0.4 -> 0");
    assertArrayEquals(in.toByteArray(), Occlusion.paint(in, none).toByteArray());
    Occlusion.Patch outside = Occlusion.patch(8, 8, new double[] {20, 20, 30, 30}, 5, 0);
    assertEquals(0, outside.boxArea());
    assertEquals(0, outside.fraction());
  }

  @Test
  void theSameSeedGivesTheSameImageAndTheDrawsArePinned() {
    RgbImage in = image(320, 214, 4);
    double[] box = {40, 30, 240, 180};
    assertArrayEquals(Occlusion.apply(in, box, 3, 9L).toByteArray(),
        Occlusion.apply(in, box, 3, 9L).toByteArray());
    assertFalse(java.util.Arrays.equals(Occlusion.apply(in, box, 3, 9L).toByteArray(),
        Occlusion.apply(in, box, 3, 10L).toByteArray()), "another seed, another patch");
    // the definition's draws: SplittableRandom(9): width, left, top, r, g, b
    SplittableRandom rng = new SplittableRandom(9L);
    long n = (3 * 200L * 150 + 5) / 10;
    int pw = (int) ((n + 149) / 150) + rng.nextInt((int) Math.min(200, n)
        - (int) ((n + 149) / 150) + 1);
    int ph = (int) ((n + pw - 1) / pw);
    int px = 40 + rng.nextInt(200 - pw + 1);
    int py = 30 + rng.nextInt(150 - ph + 1);
    int[] rgb = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
    Occlusion.Patch p = Occlusion.patch(320, 214, box, 3, 9L);
    assertEquals(9000, p.pixels());
    assertEquals(pw, p.width());
    assertEquals(ph, p.height());
    assertEquals(px, p.x());
    assertEquals(py, p.y());
    assertArrayEquals(rgb, p.rgb());
    assertEquals(n - (long) pw * (ph - 1), p.lastRow());
  }

  @Test
  void isACorruptionThatNeedsABox() {
    RgbImage in = image(40, 30, 5);
    assertEquals(Corruption.OCCLUSION, Corruptions.parse("occlusion"));
    assertTrue(Corruption.OCCLUSION.needsBox());
    assertFalse(Corruption.FOG.needsBox());
    assertFalse(Corruptions.available().contains(Corruption.OCCLUSION));
    SamException e = assertThrows(SamException.class,
        () -> Corruptions.apply(in, Corruption.OCCLUSION, 2, 0));
    assertTrue(e.getMessage().contains("--box"), e.getMessage());
    double[] box = {5, 5, 25, 25};
    assertArrayEquals(Occlusion.apply(in, box, 2, 7L).toByteArray(),
        Corruptions.apply(in, Corruption.OCCLUSION, 2, 7L, null, box).toByteArray());
    assertThrows(SamException.class, () -> Occlusion.patch(40, 30, box, 6, 0));
    assertThrows(SamException.class, () -> Occlusion.patch(40, 30, new double[] {5, 5, 1, 9}, 1,
        0));
    assertThrows(SamException.class, () -> Occlusion.patch(40, 30,
        new double[] {5, Double.NaN, 9, 9}, 1, 0));
    assertThrows(SamException.class, () -> Occlusion.patch(40, 30, new double[] {5, 5, 9}, 1, 0));
  }

  /**
   * The patch lies in the box, covers exactly {@code p.pixels()} pixels (row-major from its
   * corner), painted in its colour; every other pixel is unchanged.
   */
  private static void assertPainted(RgbImage in, RgbImage out, Occlusion.Patch p, int x0, int y0,
      int x1, int y1) {
    int[] c = p.rgb();
    long covered = 0;
    for (int y = 0; y < in.height(); y++) {
      for (int x = 0; x < in.width(); x++) {
        boolean on = p.covers(x, y);
        if (on) {
          covered++;
          assertTrue(x >= x0 && x < x1 && y >= y0 && y < y1, "pixel " + x + "," + y
              + " outside the box");
        }
        for (int k = 0; k < 3; k++) {
          assertEquals(on ? c[k] : in.get(x, y, k), out.get(x, y, k), x + "," + y);
        }
      }
    }
    assertEquals(p.pixels(), covered);
    if (p.pixels() > 0) {
      assertTrue(p.lastRow() >= 1 && p.lastRow() <= p.width());
      assertEquals(p.pixels(), (long) p.width() * (p.height() - 1) + p.lastRow());
    }
  }
}
