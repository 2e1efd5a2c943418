package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the SAM 2.1 fixture's video step list ({@code sam2.1_hiera_fixture/video_bedroom}) through
 * the library API: every recorded frame output within 1e-3 relative L2 of the reference's low-res
 * logits (statistics where only those were kept), masks at least 99.9% identical, object scores
 * within 1e-3 * max(1, |ref|), the memory attention's token counts, and the stored memory and
 * pointer of frame 0 after step 3. Run twice: with the default options, and with one cached frame
 * and a 512 KiB heap budget, so that memories and logits are spilled to disk and read back (bounded
 * memory must not cost exactness).
 */
class VideoTrackerParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(longs = {64L << 20, 512L << 10})
  void sam21StepListMatchesTheReference(long heapBudget) throws IOException {
    Path root = Fixtures.root();
    Path dir = root.resolve("sam2.1_hiera_fixture/video_bedroom");
    JsonNode steps = JSON.readTree(dir.resolve("steps.json").toFile());
    List<TrackingEngine.AttentionRecord> attention = new ArrayList<>();
    try (SamModel model = SamModel.load(root.resolve("sam2.1_hiera_fixture.pt"),
            root.resolve("sam2.1_hiera_fixture.yaml"));
         FolderFrameSource frames = FolderFrameSource.open(root.resolve("video/bedroom"));
         VideoTracker tracker = model.newTracker(frames,
             new TrackerOptions(heapBudget < (1L << 20) ? 1 : 2, heapBudget, null, false))) {
      tracker.engine().attentionTap = attention::add;
      StepReplay replay = new StepReplay(tracker, dir, 0);
      int[] tokenCounts = {0};
      replay.replay(steps, (i, r, o, ref, w) -> {
        JsonNode ma = ref.raw().get("memory_attention");
        if (ma != null && ma.has("memory_tokens") && ma.get("memory_tokens").asInt() > 0) {
          TrackingEngine.AttentionRecord a = attention.stream()
              .filter(x -> x.frame() == r.frameIdx() && x.objId() == ref.objId())
              .reduce((x, y) -> y).orElseThrow();
          int ptrTokens = a.pointers() * 2;
          assertEquals(ma.get("obj_ptr_tokens").asInt(), ptrTokens, w + " pointer tokens");
          assertEquals(ma.get("memory_tokens").asInt(), a.memoryFrames() * 4096 + ptrTokens,
              w + " memory tokens");
          tokenCounts[0]++;
          if (i == 2 && r.frameIdx() == 1) {
            JsonNode stats = steps.get("memory_after_step3")
                .get("memory_attention_output_frame1_obj" + ref.objId());
            Fixtures.assertStats(w + " memory attention", StepReplay.seqFirst(a.output(), 32,
                4096), stats, 1e-3);
          }
        }
      }, i -> {
        attention.clear();
        assertTrue(tracker.memoryHeapBytes() <= Math.max(heapBudget, 256L << 10),
            "heap " + tracker.memoryHeapBytes());
        if (i == 3) {
          checkMemoryAfterStep3(tracker, steps.get("memory_after_step3"), dir);
        }
      });
      assertTrue(tokenCounts[0] > 10, tokenCounts[0] + " memory attention token counts checked");
      System.out.println(replay.summary("SAM 2.1"));
    }
  }

  private static void checkMemoryAfterStep3(VideoTracker tracker, JsonNode ref, Path dir) {
    FrameOutput out = tracker.engine().objects.get(1).cond.get(0);
    float[] mem = tracker.stored(out.maskmem());
    float[] refMem = Npy.read(dir.resolve(ref.get("maskmem_features_file").asText()))
        .toFloatArray();
    double rel = Fixtures.relL2(mem, refMem);
    System.out.printf("frame 0 obj 1 memory rel L2 %.2e%n", rel);
    assertTrue(rel <= 1e-3, "frame 0 obj 1 maskmem_features rel L2 " + rel);
    double relPtr = Fixtures.relL2(out.objPtr(),
        Npy.read(dir.resolve(ref.get("obj_ptr_file").asText())).toFloatArray());
    System.out.printf("frame 0 obj 1 pointer rel L2 %.2e%n", relPtr);
    assertTrue(relPtr <= 1e-4, "frame 0 obj 1 obj_ptr rel L2 " + relPtr);
  }
}
