package io.sam4j.mask;

import io.sam4j.result.Mask;
import java.util.Random;

/** Masks for the tests: written out row by row, or random. */
final class TestMasks {
  private TestMasks() {}

  /** A mask from rows of 0/1 (rows[y][x]), all rows as long as the first. */
  static Mask mask(int[][] rows) {
    int h = rows.length;
    int w = rows[0].length;
    byte[] b = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        b[y * w + x] = (byte) rows[y][x];
      }
    }
    return Mask.fromBytes(b, w, h);
  }

  /** A random mask of 1..maxSide by 1..maxSide pixels, each set with probability density. */
  static Mask random(Random random, int maxSide, double density) {
    int w = 1 + random.nextInt(maxSide);
    int h = 1 + random.nextInt(maxSide);
    byte[] b = new byte[w * h];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (random.nextDouble() < density ? 1 : 0);
    }
    return Mask.fromBytes(b, w, h);
  }
}
