package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding an MP4. {@code video/bedroom-x264.mp4} is the 8 fixture frames of
 * {@code video/bedroom} repeated three times (24 frames, 24 fps), encoded by x264 in the High
 * profile with B-frames (3 between references) and a key frame every 8 frames, CRF 28: decode
 * order differs from presentation order, so a decoder that does not reorder fails here.
 */
class VideoFileFrameSourceTest {
  private static Path clip;
  private static RgbImage[] originals;

  @BeforeAll
  static void setUp(@TempDir Path dir) throws IOException {
    clip = dir.resolve("bedroom-x264.mp4");
    try (InputStream in = VideoFileFrameSourceTest.class.getResourceAsStream("/video/bedroom-x264.mp4")) {
      Files.copy(in, clip);
    }
    originals = new RgbImage[8];
    for (int i = 0; i < 8; i++) {
      originals[i] = Images.read(Fixtures.root().resolve(String.format("video/bedroom/%05d.jpg", i)));
    }
  }

  /** Mean absolute difference of the green channel on a 4-pixel grid. */
  private static double diff(RgbImage a, RgbImage b) {
    long s = 0;
    int n = 0;
    for (int y = 0; y < a.height(); y += 4) {
      for (int x = 0; x < a.width(); x += 4) {
        s += Math.abs(a.get(x, y, 1) - b.get(x, y, 1));
        n++;
      }
    }
    return (double) s / n;
  }

  @Test
  void decodesEveryFrameInPresentationOrder() {
    try (VideoFileFrameSource v = VideoFileFrameSource.open(clip)) {
      assertEquals(24, v.frameCount());
      assertEquals(960, v.width());
      assertEquals(540, v.height());
      assertEquals(24.0, v.fps(), 1e-9);
      for (int i = 0; i < 24; i++) {
        RgbImage f = v.frame(i);
        double own = diff(f, originals[i % 8]);
        assertTrue(own < 6, "frame " + i + " differs from its source frame by " + own);
        for (int j = 0; j < 8; j++) {
          if (j != i % 8) {
            double other = diff(f, originals[j]);
            assertTrue(own < other, "frame " + i + " is closer to source frame " + j + " (" + other
                + ") than to " + (i % 8) + " (" + own + ")");
          }
        }
        assertTrue(v.cachedFrames() <= v.cacheFrames());
      }
    }
  }

  @Test
  void seekingAndReverseReadingGiveTheSamePixelsAsSequentialDecoding() {
    byte[][] sequential = new byte[24][];
    try (VideoFileFrameSource v = VideoFileFrameSource.open(clip)) {
      for (int i = 0; i < 24; i++) {
        sequential[i] = v.frame(i).toByteArray();
      }
    }
    try (VideoFileFrameSource v = VideoFileFrameSource.open(clip, 3)) {
      for (int i = 23; i >= 0; i--) {
        assertArrayEquals(sequential[i], v.frame(i).toByteArray(), "frame " + i + " read in reverse");
        assertTrue(v.cachedFrames() <= 3, "cache holds " + v.cachedFrames() + " frames");
      }
      for (int i : new int[] {20, 3, 17, 9, 9, 23, 0, 12}) {
        assertArrayEquals(sequential[i], v.frame(i).toByteArray(), "frame " + i + " after a jump");
      }
    }
  }

  @Test
  void refusesAFrameOutsideTheVideo() {
    try (VideoFileFrameSource v = VideoFileFrameSource.open(clip)) {
      SamException e = assertThrows(SamException.class, () -> v.frame(24));
      assertEquals(SamException.Kind.BAD_INPUT, e.kind());
      assertTrue(e.getMessage().contains("frame 24 does not exist"), e.getMessage());
      assertThrows(SamException.class, () -> v.frame(-1));
    }
  }

  @Test
  void refusesFilesThatAreNotVideos(@TempDir Path dir) throws IOException {
    Path jpeg = dir.resolve("photo.mp4");
    Files.copy(Fixtures.root().resolve("video/bedroom/00000.jpg"), jpeg);
    Path text = dir.resolve("notes.mp4");
    Files.writeString(text, "this is not a video\n");
    Path truncated = dir.resolve("truncated.mp4");
    byte[] all = Files.readAllBytes(clip);
    Files.write(truncated, java.util.Arrays.copyOf(all, 2000));
    Path empty = dir.resolve("empty.mp4");
    Files.write(empty, new byte[0]);
    for (Path p : new Path[] {jpeg, text, truncated, empty}) {
      SamException e = assertThrows(SamException.class, () -> VideoFileFrameSource.open(p).close(), p.toString());
      assertEquals(SamException.Kind.BAD_INPUT, e.kind(), p + ": " + e.getMessage());
      assertTrue(e.getMessage().contains(p + " is not a video"), e.getMessage());
    }
    SamException missing = assertThrows(SamException.class, () -> VideoFileFrameSource.open(dir.resolve("none.mp4")));
    assertEquals(SamException.Kind.IO, missing.kind());
  }

  @Test
  void closedSourceRefusesReads() {
    VideoFileFrameSource v = VideoFileFrameSource.open(clip);
    v.close();
    v.close();
    assertThrows(IllegalStateException.class, () -> v.frame(0));
  }
}
