package io.sam4j.modeling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.modeling.sam.SamGraphs;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SubPixelOrderTest {
  @Test
  void everyLowResPixelComesFromItsSubPixel() {
    int e = 3;
    int masks = 2;
    int prompts = 2;
    int side = 4 * e;
    float[] sub = new float[prompts * e * e * 16 * masks];
    for (int i = 0; i < sub.length; i++) {
      sub[i] = i;
    }
    float[] out = SamGraphs.subPixelToImage(sub, masks, e);
    for (int b = 0; b < prompts; b++) {
      for (int m = 0; m < masks; m++) {
        for (int row = 0; row < side; row++) {
          for (int col = 0; col < side; col++) {
            // row = 4y + 2ki + ki2, col = 4x + 2kj + kj2 (two stride-2 transposed convolutions)
            int y = row / 4;
            int ki = row % 4 / 2;
            int ki2 = row % 2;
            int x = col / 4;
            int kj = col % 4 / 2;
            int kj2 = col % 2;
            int pixel = b * e * e + y * e + x;
            int s = ki * 8 + kj * 4 + ki2 * 2 + kj2;
            float expected = (pixel * 16 + s) * masks + m;
            assertEquals(expected, out[((b * masks + m) * side + row) * side + col],
                "prompt " + b + " mask " + m + " at " + row + "," + col);
          }
        }
      }
    }
  }

  @Test
  void selectedMasksEqualTheWholeReorder() {
    int e = 3;
    int masks = 4;
    int side = 4 * e;
    float[] sub = new float[2 * e * e * 16 * masks];
    for (int i = 0; i < sub.length; i++) {
      sub[i] = i * 0.5f - 7;
    }
    float[] all = SamGraphs.subPixelToImage(sub, masks, e);
    for (int prompt = 0; prompt < 2; prompt++) {
      float[][] some = SamGraphs.subPixelMasks(sub, masks, e, prompt, 1, 3);
      assertEquals(3, some.length);
      for (int j = 0; j < 3; j++) {
        int from = (prompt * masks + 1 + j) * side * side;
        assertArrayEquals(Arrays.copyOfRange(all, from, from + side * side), some[j],
            "prompt " + prompt + " mask " + (1 + j));
      }
    }
  }
}
