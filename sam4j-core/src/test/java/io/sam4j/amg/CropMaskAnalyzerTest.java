package io.sam4j.amg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sam4j.mask.Rle;
import io.sam4j.transform.MaskPostprocessor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The crop masks' RLE over the whole image ({@code uncrop_masks} then {@code mask_to_rle_pytorch}):
 * equal to the RLE of the mask padded with zeros, for every crop position, including masks that
 * touch a crop edge which is not an image edge (the zero rows must end a run of ones).
 */
class CropMaskAnalyzerTest {
  @Test
  void rleIsThatOfTheZeroPaddedMaskForEveryCropPosition() {
    int imageH = 7;
    int imageW = 6;
    Random rnd = new Random(11);
    int tried = 0;
    for (int y0 = 0; y0 < imageH; y0++) {
      for (int y1 = y0 + 1; y1 <= imageH; y1++) {
        for (int x0 = 0; x0 < imageW; x0++) {
          for (int x1 = x0 + 1; x1 <= imageW; x1++) {
            CropBoxes.Crop crop = new CropBoxes.Crop(x0, y0, x1, y1, 1);
            int h = y1 - y0;
            int w = x1 - x0;
            // a square low-res side equal to the crop's size makes the upscaler the identity
            if (h != w) {
              continue;
            }
            for (int trial = 0; trial < 4; trial++) {
              float[] logits = new float[h * w];
              byte[] full = new byte[imageH * imageW];
              for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                  // trial 0: all ones, so every crop edge is touched
                  boolean on = trial == 0 || rnd.nextBoolean();
                  logits[y * w + x] = on ? 1f : -1f;
                  full[(y + y0) * imageW + x + x0] = (byte) (on ? 1 : 0);
                }
              }
              CropMaskAnalyzer a = new CropMaskAnalyzer(crop, imageH, imageW,
                  MaskPostprocessor.direct(h, new int[] {h, w}), 0f, 0f);
              MaskCandidate c = a.analyze(logits, 0, 0.5f, new double[] {0, 0});
              Rle want = Rle.encode(full, imageW, imageH);
              String at = "crop " + x0 + "," + y0 + "," + x1 + "," + y1 + " trial " + trial;
              if (c == null) {
                continue; // dropped by the crop-edge filter
              }
              assertArrayEquals(want.counts(), c.rle().counts(), at);
              assertEquals(want.area(), c.rle().area(), at);
              tried++;
            }
          }
        }
      }
    }
    assertEquals(true, tried > 50, "crops checked: " + tried);
  }

  @Test
  void maskOnTheLowerImageEdgeOfALowerCropStaysInItsColumns() {
    // the SAM 2.1 fixture's case: crop y0 = 176 of a 534-high image, mask on the last row
    CropBoxes.Crop crop = new CropBoxes.Crop(0, 2, 4, 6, 1);
    float[] logits = new float[16];
    java.util.Arrays.fill(logits, -1f);
    logits[3 * 4 + 1] = 1f;
    logits[3 * 4 + 2] = 1f;
    CropMaskAnalyzer a = new CropMaskAnalyzer(crop, 6, 4, MaskPostprocessor.direct(4,
        new int[] {4, 4}), 0f, 0f);
    MaskCandidate c = a.analyze(logits, 0, 0.5f, new double[] {1, 1});
    assertNotNull(c);
    assertEquals(2, c.rle().area());
    assertArrayEquals(new long[] {11, 1, 5, 1, 6}, c.rle().counts());
  }
}
