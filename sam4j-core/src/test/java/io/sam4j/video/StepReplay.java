package io.sam4j.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.HoleFillTies;
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

/**
 * Replays a fixture's video step list through a {@link VideoTracker} and holds every recorded
 * object output to the video issue's limits: object score within 1e-3 * max(1, |ref|), low-res
 * logits within 1e-3 relative L2 where saved (statistics otherwise), masks at least 99.9%
 * identical. A step with an {@code error} must be refused with the reference's {@code message}.
 * Reads both record forms: {@code "objects"} (SAM 2.1, EdgeTAM) and EfficientTAM's parallel lists.
 */
final class StepReplay {
  /** One object of a reference frame record. */
  record RefObject(int objId, double score, String logitsFile, JsonNode logitsStats,
      String maskFile, JsonNode raw) {}

  /** A family test's own check of one compared object output. */
  interface ObjectCheck {
    void check(int step, FrameResult frame, ObjectResult ours, RefObject ref, String where)
        throws IOException;
  }

  /** A family test's own check after a step has run and been compared. */
  interface StepCheck {
    void after(int step) throws IOException;
  }

  private final VideoTracker tracker;
  private final Path dir;
  private final int maxTies;
  double worstLogits;
  double worstMask;
  int compared;
  int refused;
  int ties;

  /**
   * @param maxTies hole-filling ties ({@link HoleFillTies}) set aside per frame; 0 = none
   */
  StepReplay(VideoTracker tracker, Path dir, int maxTies) {
    this.tracker = tracker;
    this.dir = dir;
    this.maxTies = maxTies;
  }

  /** Replays every step of {@code steps.steps}, comparing as the class says. */
  void replay(JsonNode steps, ObjectCheck extra, StepCheck after) throws IOException {
    JsonNode list = steps.get("steps");
    for (int i = 0; i < list.size(); i++) {
      JsonNode step = list.get(i);
      if (step.has("error")) {
        SamException e = assertThrows(SamException.class, () -> run(tracker, step, dir),
            "step " + i);
        assertEquals(step.get("message").asText(), e.getMessage(), "step " + i + " refusal");
        refused++;
        continue;
      }
      List<FrameResult> out = run(tracker, step, dir);
      List<JsonNode> ref = new ArrayList<>();
      if (step.path("out").isArray()) {
        step.get("out").forEach(ref::add);
      } else if (step.path("out").isObject()) {
        ref.add(step.get("out"));
      }
      assertEquals(ref.size(), out.size(), "step " + i + " frame outputs");
      for (int k = 0; k < ref.size(); k++) {
        compareFrame(i, ref.get(k), out.get(k), extra);
      }
      after.after(i);
    }
  }

  private void compareFrame(int step, JsonNode rf, FrameResult r, ObjectCheck extra)
      throws IOException {
    String where = "step " + step + " frame " + rf.get("frame_idx").asInt();
    assertEquals(rf.get("frame_idx").asInt(), r.frameIdx(), where);
    List<Integer> ids = new ArrayList<>();
    rf.get("obj_ids").forEach(n -> ids.add(n.asInt()));
    assertEquals(ids, r.objectIds(), where + " obj_ids");
    for (RefObject ro : objects(rf)) {
      ObjectResult o = r.object(ro.objId());
      String w = where + " obj " + ro.objId();
      assertEquals(ro.score(), o.objectScoreLogits(), 1e-3 * Math.max(1, Math.abs(ro.score())),
          w + " object score");
      if (ro.logitsFile() != null) {
        HoleFillTies.Result c = HoleFillTies.compare(o.lowResLogits(),
            Npy.read(dir.resolve(ro.logitsFile())).toFloatArray());
        worstLogits = Math.max(worstLogits, c.relL2());
        ties += c.ties();
        assertTrue(c.ties() <= maxTies, w + ": " + c.ties() + " hole-filling ties");
        assertTrue(c.relL2() <= 1e-3, w + " low-res logits rel L2 " + c.relL2());
      } else if (ro.logitsStats() != null) {
        Fixtures.assertStats(w + " logits", o.lowResLogits(), ro.logitsStats(), 1e-3);
      }
      double same = agreement(o.mask(), dir.resolve(ro.maskFile()));
      worstMask = Math.max(worstMask, 1 - same);
      assertTrue(same >= 0.999, w + " mask agreement " + same);
      compared++;
      extra.check(step, r, o, ro, w);
    }
  }

  /** The objects of a frame record, in either form. */
  static List<RefObject> objects(JsonNode rf) {
    List<RefObject> out = new ArrayList<>();
    if (rf.has("objects")) {
      for (JsonNode ro : rf.get("objects")) {
        out.add(new RefObject(ro.get("obj_id").asInt(), ro.get("object_score_logits").asDouble(),
            ro.hasNonNull("logits") ? ro.get("logits").asText() : null,
            ro.get("logits_stats"), ro.get("mask").asText(), ro));
      }
      return out;
    }
    for (int j = 0; j < rf.get("obj_ids").size(); j++) {
      JsonNode pm = rf.get("pred_masks").get(j);
      out.add(new RefObject(rf.get("obj_ids").get(j).asInt(),
          rf.get("object_score_logits").get(j).asDouble(),
          pm != null && !pm.isNull() ? pm.asText() : null, null,
          rf.get("masks").get(j).asText(), null));
    }
    return out;
  }

  /** A line for the test's output. */
  String summary(String family) {
    return String.format("%s: compared %d object outputs, %d steps refused as the reference:"
        + " worst logits rel L2 %.2e (%d hole-filling ties apart), worst mask disagreement %.2e",
        family, compared, refused, worstLogits, ties, worstMask);
  }

  /** Runs one step's action on the tracker and returns the frame outputs it produced. */
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

  /** [1, C, N] channel-first to [N, C] seq-first. */
  static float[] seqFirst(float[] nchw, int c, int n) {
    float[] out = new float[nchw.length];
    for (int ch = 0; ch < c; ch++) {
      for (int t = 0; t < n; t++) {
        out[t * c + ch] = nchw[ch * n + t];
      }
    }
    return out;
  }
}
