package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input to a tracking session gets one clear error and leaves the session usable. */
class VideoTrackerErrorsTest {
  private static SamModel model;
  private static FolderFrameSource frames;

  @BeforeAll
  static void load() {
    Path root = Fixtures.root();
    model = SamModel.load(root.resolve("sam2.1_hiera_fixture.pt"),
        root.resolve("sam2.1_hiera_fixture.yaml"));
    frames = FolderFrameSource.open(root.resolve("video/bedroom"));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static final List<Point> CLICK = List.of(new Point(210, 350, Label.FOREGROUND));

  @Test
  void promptOnAFrameThatDoesNotExist() {
    try (VideoTracker t = model.newTracker(frames)) {
      SamException e = assertThrows(SamException.class, () -> t.addPoints(8, 1, CLICK));
      assertTrue(e.getMessage().contains("frame 8 does not exist: the video has 8 frames (0..7)"),
          e.getMessage());
      assertThrows(SamException.class, () -> t.addPoints(-1, 1, CLICK));
      e = assertThrows(SamException.class, () -> t.propagate(8, true, null));
      assertTrue(e.getMessage().contains("frame 8 does not exist"), e.getMessage());
      assertEquals(List.of(), t.objectIds(), "a refused prompt adds no object");
    }
  }

  @Test
  void propagationWithoutPrompts() {
    try (VideoTracker t = model.newTracker(frames)) {
      SamException e = assertThrows(SamException.class, t::propagate);
      assertTrue(e.getMessage().contains("No input points or masks are provided for any object"),
          e.getMessage());
    }
  }

  @Test
  void objectIdNeverAdded() {
    try (VideoTracker t = model.newTracker(frames)) {
      t.addPoints(0, 1, CLICK);
      SamException e = assertThrows(SamException.class, () -> t.removeObject(7));
      assertTrue(e.getMessage().contains("object id 7 was never added; the session's objects are"
          + " [1]"), e.getMessage());
      assertThrows(SamException.class, () -> t.clearPrompts(0, 7));
    }
  }

  @Test
  void boxWithoutClearingOldPointsAndEmptyPrompts() {
    try (VideoTracker t = model.newTracker(frames)) {
      SamException e = assertThrows(SamException.class,
          () -> t.addPrompt(0, 1, CLICK, new Box(1, 2, 30, 40), false, true));
      assertTrue(e.getMessage().contains("cannot add box without clearing old points"),
          e.getMessage());
      assertThrows(SamException.class, () -> t.addPrompt(0, 1, List.of(), null, true, true));
      assertThrows(SamException.class, () -> t.addMask(0, 1, new boolean[10], 3, 3));
    }
  }

  @Test
  void clearedPromptsLeaveAnObjectWithoutConditioningFrame() {
    try (VideoTracker t = model.newTracker(frames)) {
      FrameResult r = t.addPoints(0, 1, CLICK);
      assertTrue(r.object(1).mask().area() > 0);
      FrameResult cleared = t.clearPrompts(0, 1);
      assertTrue(!cleared.object(1).hasOutput(), "no output left on frame 0");
      SamException e = assertThrows(SamException.class, t::propagate);
      assertTrue(e.getMessage().contains("for object id 1"), e.getMessage());
      t.reset();
      assertEquals(List.of(), t.objectIds());
    }
  }

  @Test
  void removingAnObjectKeepsTheOthers() {
    try (VideoTracker t = model.newTracker(frames)) {
      t.addPoints(0, 1, CLICK);
      t.addBox(0, 2, new Box(820, 250, 960, 540));
      assertEquals(List.of(), t.propagate(8, false, null).frames(), "forward from past the end");
      List<FrameResult> updated = t.removeObject(1);
      assertEquals(List.of(2), t.objectIds());
      assertEquals(1, updated.size());
      assertEquals(List.of(2), updated.get(0).objectIds());
      try (Propagation p = t.propagate(0, false, 1)) {
        assertEquals(List.of(0, 1), p.frames());
        assertEquals(0, p.next().frameIdx());
        p.cancel();
        assertTrue(!p.hasNext());
      }
    }
  }

  @Test
  void closedTrackerRefusesWork() {
    VideoTracker t = model.newTracker(frames);
    t.close();
    assertThrows(IllegalStateException.class, () -> t.addPoints(0, 1, CLICK));
  }
}
