package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;
import org.junit.jupiter.api.Test;

class PushedFrameSourceTest {
  private static RgbImage frame(int value) {
    byte[] px = new byte[4 * 3 * 3];
    java.util.Arrays.fill(px, (byte) value);
    return RgbImage.of(4, 3, px);
  }

  @Test
  void keepsTheLastFramesAndNamesTheDroppedOnes() {
    PushedFrameSource s = new PushedFrameSource(4, 3, 3);
    assertEquals(0, s.frameCount());
    SamException none = assertThrows(SamException.class, () -> s.frame(0));
    assertTrue(none.getMessage().contains("no frame has been pushed yet"), none.getMessage());
    RgbImage[] pushed = new RgbImage[7];
    for (int i = 0; i < 7; i++) {
      pushed[i] = frame(i);
      assertEquals(i, s.push(pushed[i]));
    }
    assertEquals(7, s.frameCount());
    assertEquals(4, s.oldestRetained());
    for (int i = 4; i < 7; i++) {
      assertSame(pushed[i], s.frame(i));
    }
    SamException dropped = assertThrows(SamException.class, () -> s.frame(3));
    assertEquals(SamException.Kind.BAD_INPUT, dropped.kind());
    assertTrue(dropped.getMessage().contains("frame 3 was dropped")
        && dropped.getMessage().contains("last 3 frames (now 4..6)"), dropped.getMessage());
    SamException future = assertThrows(SamException.class, () -> s.frame(7));
    assertTrue(future.getMessage().contains("7 frames have been pushed (0..6)"), future.getMessage());
  }

  @Test
  void refusesAFrameOfAnotherSizeAndUseAfterClose() {
    PushedFrameSource s = new PushedFrameSource(4, 3, 2);
    s.push(frame(1));
    SamException e = assertThrows(SamException.class, () -> s.push(RgbImage.of(3, 4, new byte[36])));
    assertEquals(SamException.Kind.BAD_IMAGE, e.kind());
    assertEquals(1, s.frameCount());
    s.close();
    assertThrows(IllegalStateException.class, () -> s.push(frame(2)));
    assertThrows(IllegalStateException.class, () -> s.frame(0));
    assertThrows(IllegalArgumentException.class, () -> new PushedFrameSource(4, 3, 0));
  }
}
