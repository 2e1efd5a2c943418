package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bounded store: bfloat16 as PyTorch rounds, spilled arrays come back identical. */
class MemoryStoreTest {
  @Test
  void bfloat16RoundsToNearestEven() {
    // 1 + 2^-8 is half-way between 1 and 1 + 2^-7: ties go to the even mantissa (1)
    assertEquals((short) 0x3F80, MemoryStore.toBf16(1f + 0x1p-8f));
    assertEquals((short) 0x3F82, MemoryStore.toBf16(1f + 3 * 0x1p-8f));
    assertEquals((short) 0x3F81, MemoryStore.toBf16(1f + 0x1p-7f + 0x1p-10f));
    assertEquals((short) 0xC2C8, MemoryStore.toBf16(-100f));
  }

  @Test
  void spillsBeyondTheBudgetAndReadsBack() {
    Random r = new Random(1);
    List<float[]> values = new ArrayList<>();
    List<MemoryStore.Ref> refs = new ArrayList<>();
    try (MemoryStore s = new MemoryStore(3 * 4096 * 4, null, false)) {
      for (int i = 0; i < 20; i++) {
        float[] v = new float[4096];
        for (int k = 0; k < v.length; k++) {
          v[k] = (float) r.nextGaussian();
        }
        values.add(v);
        refs.add(s.putFloats(v));
        assertTrue(s.heapBytes() <= 3 * 4096 * 4, "heap " + s.heapBytes());
      }
      for (int i = 19; i >= 0; i--) {
        assertArrayEquals(values.get(i), s.get(refs.get(i)));
      }
      MemoryStore.Ref bf = s.putBf16(values.get(0));
      float[] back = s.get(bf);
      for (int k = 0; k < back.length; k++) {
        assertEquals(values.get(0)[k], back[k], Math.abs(values.get(0)[k]) / 128);
      }
    }
  }

  @Test
  void dropForgetsWhatExceedsTheBudget() {
    try (MemoryStore s = new MemoryStore(4 * 100, null, true)) {
      MemoryStore.Ref a = s.putFloats(new float[100]);
      s.putFloats(new float[100]);
      assertNull(s.get(a));
    }
  }
}
