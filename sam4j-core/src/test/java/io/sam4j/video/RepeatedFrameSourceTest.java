package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.io.ProcessMemory;
import io.sam4j.image.RgbImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RepeatedFrameSourceTest {
  /** Counts how often each frame of the fixture folder is decoded. */
  private static final class Counting implements FrameSource {
    final FolderFrameSource base = FolderFrameSource.open(Fixtures.root().resolve("video/bedroom"));
    final int[] decoded = new int[base.frameCount()];
    boolean closed;

    @Override
    public int frameCount() {
      return base.frameCount();
    }

    @Override
    public int width() {
      return base.width();
    }

    @Override
    public int height() {
      return base.height();
    }

    @Override
    public RgbImage frame(int index) {
      decoded[index]++;
      return base.frame(index);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void repeatsTheBaseFramesDecodingEachOnce() {
    Counting base = new Counting();
    RgbImage[] first = new RgbImage[8];
    try (RepeatedFrameSource clip = RepeatedFrameSource.of(base, 1000)) {
      assertEquals(1000, clip.frameCount());
      assertEquals(8, clip.period());
      assertEquals(960, clip.width());
      for (int i = 0; i < 8; i++) {
        first[i] = clip.frame(i);
      }
      for (int i = 999; i >= 0; i -= 7) {
        assertSame(first[i % 8], clip.frame(i), "frame " + i);
      }
      SamException e = assertThrows(SamException.class, () -> clip.frame(1000));
      assertTrue(e.getMessage().contains("1000 frames (0..999)"), e.getMessage());
    }
    int[] once = new int[8];
    Arrays.fill(once, 1);
    assertEquals(Arrays.toString(once), Arrays.toString(base.decoded));
    assertTrue(base.closed, "closing the clip closes its base");
  }

  @Test
  void peakResidentMemoryIsReadOnLinux() {
    if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
      return;
    }
    long rss = ProcessMemory.rssBytes();
    long peak = ProcessMemory.peakRssBytes();
    assertTrue(rss > 10L << 20, "a JVM holds more than 10 MiB resident, read " + rss);
    assertTrue(peak >= rss, "peak " + peak + " below current " + rss);
    if (ProcessMemory.resetPeak()) {
      // the peak restarts from the resident set of the moment
      long after = ProcessMemory.peakRssBytes();
      assertTrue(after <= ProcessMemory.rssBytes() + (16L << 20), "peak after reset " + after);
    }
  }
}
