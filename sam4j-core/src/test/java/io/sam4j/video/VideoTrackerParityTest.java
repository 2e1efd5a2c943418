package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.result.Mask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
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
    double worstLogits = 0;
    double worstMask = 0;
    int compared = 0;
    try (SamModel model = SamModel.load(root.resolve("sam2.1_hiera_fixture.pt"),
            root.resolve("sam2.1_hiera_fixture.yaml"));
         FolderFrameSource frames = FolderFrameSource.open(root.resolve("video/bedroom"));
         VideoTracker tracker = model.newTracker(frames,
             new TrackerOptions(heapBudget < (1L << 20) ? 1 : 2, heapBudget, null, false))) {
      tracker.engine().attentionTap = attention::add;
      JsonNode list = steps.get("steps");
      for (int i = 0; i < list.size(); i++) {
        JsonNode step = list.get(i);
        attention.clear();
        List<FrameResult> out = run(tracker, step, dir);
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
            float[] logits = o.lowResLogits();
            if (ro.hasNonNull("logits")) {
              double rel = Fixtures.relL2(logits,
                  Npy.read(dir.resolve(ro.get("logits").asText())).toFloatArray());
              worstLogits = Math.max(worstLogits, rel);
              assertTrue(rel <= 1e-3, w + " low-res logits rel L2 " + rel);
            } else {
              Fixtures.assertStats(w + " logits", logits, ro.get("logits_stats"), 1e-3);
            }
            double same = agreement(o.mask(), dir.resolve(ro.get("mask").asText()));
            worstMask = Math.max(worstMask, 1 - same);
            assertTrue(same >= 0.999, w + " mask agreement " + same);
            JsonNode ma = ro.get("memory_attention");
            if (ma != null && ma.has("memory_tokens") && ma.get("memory_tokens").asInt() > 0) {
              TrackingEngine.AttentionRecord a = attention.stream()
                  .filter(x -> x.frame() == r.frameIdx() && x.objId() == id)
                  .reduce((x, y) -> y).orElseThrow();
              int ptrTokens = a.pointers() * 2;
              assertEquals(ma.get("obj_ptr_tokens").asInt(), ptrTokens, w + " pointer tokens");
              assertEquals(ma.get("memory_tokens").asInt(), a.memoryFrames() * 4096 + ptrTokens,
                  w + " memory tokens");
              if (i == 2 && r.frameIdx() == 1) {
                JsonNode stats = steps.get("memory_after_step3")
                    .get("memory_attention_output_frame1_obj" + id);
                Fixtures.assertStats(w + " memory attention", seqFirst(a.output(), 32, 4096),
                    stats, 1e-3);
              }
            }
            compared++;
          }
        }
        assertTrue(tracker.memoryHeapBytes() <= Math.max(heapBudget, 256L << 10),
            "heap " + tracker.memoryHeapBytes());
        if (i == 3) {
          checkMemoryAfterStep3(tracker, steps.get("memory_after_step3"), dir);
        }
      }
    }
    System.out.printf("compared %d object outputs: worst logits rel L2 %.2e, worst mask"
        + " disagreement %.2e%n", compared, worstLogits, worstMask);
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

  /** [1, C, N] channel-first to [N, C] seq-first. */
  private static float[] seqFirst(float[] nchw, int c, int n) {
    float[] out = new float[nchw.length];
    for (int ch = 0; ch < c; ch++) {
      for (int t = 0; t < n; t++) {
        out[t * c + ch] = nchw[ch * n + t];
      }
    }
    return out;
  }

  static List<FrameResult> run(VideoTracker tracker, JsonNode step, Path dir) throws IOException {
    String op = step.get("op").asText();
    switch (op) {
      case "add_new_points_or_box" -> {
        List<Point> pts = new ArrayList<>();
        if (step.hasNonNull("points")) {
          for (int k = 0; k < step.get("points").size(); k++) {
            JsonNode p = step.get("points").get(k);
            pts.add(new Point(p.get(0).asDouble(), p.get(1).asDouble(),
                Label.of(step.get("labels").get(k).asInt())));
          }
        }
        Box box = null;
        if (step.hasNonNull("box")) {
          JsonNode b = step.get("box");
          box = new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(),
              b.get(3).asDouble());
        }
        return List.of(tracker.addPrompt(step.get("frame_idx").asInt(),
            step.get("obj_id").asInt(), pts, box, step.path("clear_old_points").asBoolean(true),
            step.path("normalize_coords").asBoolean(true)));
      }
      case "add_new_mask" -> {
        BufferedImage img = ImageIO.read(dir.resolve(step.get("mask").asText()).toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        boolean[] m = new boolean[w * h];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            m[y * w + x] = img.getRaster().getSample(x, y, 0) != 0;
          }
        }
        return List.of(tracker.addMask(step.get("frame_idx").asInt(), step.get("obj_id").asInt(),
            m, w, h));
      }
      case "propagate_in_video" -> {
        List<FrameResult> out = new ArrayList<>();
        tracker.propagate(step.hasNonNull("start_frame_idx") ? step.get("start_frame_idx").asInt()
            : null, step.path("reverse").asBoolean(false),
            step.hasNonNull("max_frame_num_to_track")
                ? step.get("max_frame_num_to_track").asInt() : null, out::add);
        return out;
      }
      case "reset_state" -> {
        tracker.reset();
        return List.of();
      }
      default -> throw new IllegalArgumentException("unknown op " + op);
    }
  }

  /** Fraction of pixels where our mask equals the reference's PNG. */
  static double agreement(Mask ours, Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(img.getWidth(), ours.width());
    assertEquals(img.getHeight(), ours.height());
    long same = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        boolean ref = img.getRaster().getSample(x, y, 0) != 0;
        same += ref == ours.get(x, y) ? 1 : 0;
      }
    }
    return (double) same / ((long) img.getWidth() * img.getHeight());
  }
}
