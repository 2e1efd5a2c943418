package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.mask.Rle;
import io.sam4j.result.Mask;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link MaskBits}' packing and its COCO box, against {@link Rle} on masks of every kind. */
class MaskBitsTest {
  @Test
  void packsBitsAndGivesTheRlesBox() {
    Random rnd = new Random(13);
    for (int c = 0; c < 400; c++) {
      int w = 1 + rnd.nextInt(23);
      int h = 1 + rnd.nextInt(17);
      double density = new double[] {0, 0.02, 0.2, 0.9, 1}[c % 5];
      byte[] px = new byte[w * h];
      for (int i = 0; i < px.length; i++) {
        px[i] = (byte) (rnd.nextDouble() < density ? 1 : 0);
      }
      if (c % 7 == 3 && w > 1 && h > 2) { // a run from a column's bottom to the next one's top
        px[(h - 1) * w + w / 2 - 1] = 1;
        px[w / 2] = 1;
      }
      Mask m = Mask.fromBytes(px, w, h);
      byte[] out = new byte[MaskBits.bytesPerMask(w, h) + 2];
      out[out.length - 1] = 0x5a; // nothing is written past the mask
      int[] box = MaskBits.pack(m, out, 1);
      assertArrayEquals(Rle.encode(m).bbox(), box, "case " + c + " " + w + "x" + h);
      for (int i = 0; i < px.length; i++) {
        assertEquals(px[i], (out[1 + i / 8] >> (7 - i % 8)) & 1, "case " + c + " pixel " + i);
      }
      for (int i = px.length; i < 8 * (out.length - 2); i++) {
        assertEquals(0, (out[1 + i / 8] >> (7 - i % 8)) & 1, "padding bit " + i);
      }
      assertEquals(0x5a, out[out.length - 1]);
    }
  }
}
