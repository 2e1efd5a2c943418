package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
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
 * API. Step 5 (a new object id after tracking started) must be refused with the reference's
 * message; every recorded object output: low-res logits within 1e-3 relative L2 where saved
 * (statistics otherwise; pixels where hole filling was decided by a logit within 1e-5 of zero are
 * counted apart, at most 2 per frame: {@link HoleFillTies}), masks at least 99.9% identical, object scores within
 * 1e-3 * max(1, |ref|). After step 2: frame 0's perceiver memory of object 1 within 1e-3
 * relative L2 (bfloat16 values), its pointer within 1e-4, and frame 1's memory attention output
 * statistics per object.
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
    double worstLogits = 0;
    double worstMask = 0;
    int compared = 0;
    int refused = 0;
    int ties = 0;
    try (SamModel model = SamModel.load(root.resolve("edgetam_fixture.pt"),
            root.resolve("edgetam_fixture.yaml"));
         FolderFrameSource frames = FolderFrameSource.open(root.resolve("video/bedroom"));
         VideoTracker tracker = model.newTracker(frames)) {
      tracker.engine().attentionTap = attention::add;
      JsonNode list = steps.get("steps");
      for (int i = 0; i < list.size(); i++) {
        JsonNode step = list.get(i);
        attention.clear();
        if (step.has("error")) {
          SamException e = assertThrows(SamException.class,
              () -> VideoTrackerParityTest.run(tracker, step, dir), "step " + i);
          assertEquals(step.get("message").asText(), e.getMessage(), "step " + i + " refusal");
          refused++;
          continue;
        }
        List<FrameResult> out = VideoTrackerParityTest.run(tracker, step, dir);
        JsonNode ref = step.get("out");
        int refCount = ref == null ? 0 : ref.size();
        assertEquals(refCount, out.size(), "step " + i + " frame outputs");
        for (int k = 0; k < refCount; k++) {
          JsonNode rf = ref.get(k);
          FrameResult r = out.get(k);
          String where = "step " + i + " frame " + rf.get("frame_idx").asInt();
          assertEquals(rf.get("frame_idx").asInt(), r.frameIdx(), where);
          List<Integer> ids = new ArrayList<>();
          rf.get("obj_ids").forEach(n -> ids.add(n.asInt()));
          assertEquals(ids, r.objectIds(), where + " obj_ids");
          for (JsonNode ro : rf.get("objects")) {
            int id = ro.get("obj_id").asInt();
            ObjectResult o = r.object(id);
            String w = where + " obj " + id;
            double refScore = ro.get("object_score_logits").asDouble();
            assertEquals(refScore, o.objectScoreLogits(), 1e-3 * Math.max(1, Math.abs(refScore)),
                w + " object score");
            if (ro.hasNonNull("logits")) {
              HoleFillTies.Result c = HoleFillTies.compare(o.lowResLogits(),
                  Npy.read(dir.resolve(ro.get("logits").asText())).toFloatArray());
              worstLogits = Math.max(worstLogits, c.relL2());
              ties += c.ties();
              assertTrue(c.ties() <= 2, w + ": " + c.ties() + " hole-filling ties");
              assertTrue(c.relL2() <= 1e-3, w + " low-res logits rel L2 " + c.relL2());
            } else {
              Fixtures.assertStats(w + " logits", o.lowResLogits(), ro.get("logits_stats"), 1e-3);
            }
            double same = VideoTrackerParityTest.agreement(o.mask(),
                dir.resolve(ro.get("mask").asText()));
            worstMask = Math.max(worstMask, 1 - same);
            assertTrue(same >= 0.999, w + " mask agreement " + same);
            compared++;
            if (i == 2 && r.frameIdx() == 1 && id == 1) {
              TrackingEngine.AttentionRecord a = attention.stream()
                  .filter(x -> x.frame() == 1 && x.objId() == 1).reduce((x, y) -> y)
                  .orElseThrow();
              assertEquals(1, a.memoryFrames(), "frame 1 memory frames");
              Fixtures.assertStats(w + " memory attention", EfficientTamVideoParityTest.seqFirst(
                  a.output(), 32, 4096), memory.get("memory_attention_output_frame1_obj1"), 1e-3);
            }
          }
        }
        if (i == 2) {
          checkFrame0Memory(tracker, memory, dir);
        }
      }
    }
    assertEquals(1, refused, "refused steps");
    System.out.printf("EdgeTAM: compared %d object outputs, %d step refused as the reference:"
        + " worst logits rel L2 %.2e (%d hole-filling ties apart), worst mask disagreement"
        + " %.2e%n", compared, refused, worstLogits, ties, worstMask);
  }

  private static void checkFrame0Memory(VideoTracker tracker, JsonNode ref, Path dir) {
    FrameOutput out = tracker.engine().objects.get(1).cond.get(0);
    // ours [16, 320] channel-first, the reference's [1, 320, 16]
    float[] mem = EfficientTamVideoParityTest.seqFirst(tracker.stored(out.maskmem()), 16, 320);
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
