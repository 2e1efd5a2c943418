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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The older predictor's rules (EdgeTAM) beyond the fixture's step list: prompts cleared on a frame
 * another object still has prompts on keep it a conditioning frame for every object; clearing the
 * last prompt of the last conditioning frame resets the tracking results, after which new object
 * ids are accepted again and propagation is refused with the reference's message.
 */
class BatchedLegacyPredictorTest {
  @Test
  void clearingPromptsFollowsTheOlderPredictor() {
    Path root = Fixtures.root();
    try (SamModel model = SamModel.load(root.resolve("edgetam_fixture.pt"),
            root.resolve("edgetam_fixture.yaml"));
         FolderFrameSource frames = FolderFrameSource.open(root.resolve("video/bedroom"));
         VideoTracker tracker = model.newTracker(frames)) {
      tracker.addPrompt(0, 1, List.of(new Point(230, 260, Label.FOREGROUND)), null, true, true);
      tracker.addPrompt(0, 2, List.of(), new Box(310, 0, 520, 400), true, true);
      List<FrameResult> out = new ArrayList<>();
      tracker.propagate(0, false, 1, out::add);
      assertEquals(2, out.size());
      SamException refused = assertThrows(SamException.class, () -> tracker.addPrompt(1, 3,
          List.of(new Point(100, 100, Label.FOREGROUND)), null, true, true));
      assertTrue(refused.getMessage().startsWith("Cannot add new object id 3 after tracking"
          + " starts."), refused.getMessage());

      TrackingEngine e = tracker.engine();
      tracker.clearPrompts(0, 1);
      // object 2 still has its box on frame 0: frame 0 stays conditioning for both objects
      assertTrue(e.objects.get(1).cond.containsKey(0));
      assertTrue(e.objects.get(2).cond.containsKey(0));
      assertTrue(e.objects.get(1).framesTracked.containsKey(0));

      tracker.clearPrompts(0, 2);
      // no prompt left anywhere: tracking results reset for all objects, ids kept
      for (ObjectState o : e.objects.values()) {
        assertTrue(o.cond.isEmpty() && o.nonCond.isEmpty() && o.framesTracked.isEmpty());
      }
      assertEquals(List.of(1, 2), tracker.engine().objectIds());
      SamException none = assertThrows(SamException.class, () -> tracker.propagate());
      assertEquals("No points are provided; please add points first", none.getMessage());
      // the reset let new objects in again (the failed propagation started tracking anew)
      assertThrows(SamException.class, () -> tracker.addPrompt(2, 3,
          List.of(new Point(100, 100, Label.FOREGROUND)), null, true, true));
      tracker.reset();
      FrameResult r = tracker.addPrompt(2, 3, List.of(new Point(100, 100, Label.FOREGROUND)),
          null, true, true);
      assertEquals(List.of(3), r.objectIds());
      assertTrue(r.object(3).mask().area() > 0);
    }
  }
}
