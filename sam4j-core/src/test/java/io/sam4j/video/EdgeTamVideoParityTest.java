package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.HoleFillTies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays the EdgeTAM fixture's video step list ({@code edgetam_fixture/video_bedroom}: spatial
 * perceiver memories, {@code RoPEAttentionv2}, the older batched predictor) through the library
 * API ({@link StepReplay}'s limits; pixels where hole filling was decided by a logit within 1e-5 of
 * zero are counted apart, at most 2 per frame: {@link HoleFillTies}). Step 5 (a new object id
 * after tracking started) must be refused with the reference's message. After step 2: frame 0's
 * perceiver memory of object 1 within 1e-3 relative L2 (bfloat16 values), its pointer within
 * 1e-4, and frame 1's memory attention output statistics per object.
 */
class EdgeTamVideoParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void edgeTamStepListMatchesTheReference() throws IOException {
    Path root = Fixtures.root();
    Path dir = root.resolve("edgetam_fixture/video_bedroom");
    JsonNode steps = JSON.readTree(dir.resolve("steps.json").toFile());
    JsonNode memory = steps.get("memory_after_step3");
    List<TrackingEngine.AttentionRecord> attention = new ArrayList<>();
    try (SamModel model = SamModel.load(root.resolve("edgetam_fixture.pt"),
            root.resolve("edgetam_fixture.yaml"));
         FolderFrameSource frames = FolderFrameSource.open(root.resolve("video/bedroom"));
         VideoTracker tracker = model.newTracker(frames)) {
      tracker.engine().attentionTap = attention::add;
      StepReplay replay = new StepReplay(tracker, dir, 2);
      int[] checkedAttention = {0};
      replay.replay(steps, (i, r, o, ref, w) -> {
        if (i == 2 && r.frameIdx() == 1 && ref.objId() == 1) {
          TrackingEngine.AttentionRecord a = attention.stream()
              .filter(x -> x.frame() == 1 && x.objId() == 1).reduce((x, y) -> y).orElseThrow();
          assertEquals(1, a.memoryFrames(), "frame 1 memory frames");
          Fixtures.assertStats(w + " memory attention", StepReplay.seqFirst(a.output(), 32,
              4096), memory.get("memory_attention_output_frame1_obj1"), 1e-3);
          checkedAttention[0]++;
        }
      }, i -> {
        attention.clear();
        if (i == 2) {
          checkFrame0Memory(tracker, memory, dir);
        }
      });
      assertEquals(1, replay.refused, "refused steps");
      assertEquals(1, checkedAttention[0], "frame 1's memory attention compared");
      System.out.println(replay.summary("EdgeTAM"));
    }
  }

  private static void checkFrame0Memory(VideoTracker tracker, JsonNode ref, Path dir) {
    FrameOutput out = tracker.engine().objects.get(1).cond.get(0);
    // ours [16, 320] channel-first, the reference's [1, 320, 16]
    float[] mem = StepReplay.seqFirst(tracker.stored(out.maskmem()), 16, 320);
    double rel = Fixtures.relL2(mem, Npy.read(dir.resolve(ref.get("maskmem_features_file")
        .asText())).toFloatArray());
    System.out.printf("EdgeTAM frame 0 obj 1 perceiver memory rel L2 %.2e%n", rel);
    assertTrue(rel <= 1e-3, "frame 0 obj 1 maskmem_features rel L2 " + rel);
    double relPtr = Fixtures.relL2(out.objPtr(),
        Npy.read(dir.resolve(ref.get("obj_ptr_file").asText())).toFloatArray());
    System.out.printf("EdgeTAM frame 0 obj 1 pointer rel L2 %.2e%n", relPtr);
    assertTrue(relPtr <= 1e-4, "frame 0 obj 1 obj_ptr rel L2 " + relPtr);
  }
}
