package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code sam4j bench --video} on the SAM 2.1 fixture: every figure there and sensible. */
class VideoBenchTest {
  @Test
  void reportsSpeedAndPeakMemoryPerClipLength() throws IOException {
    Path root = Fixtures.root();
    CliRunner r = CliRunner.run("bench", "--model", root.resolve("sam2.1_hiera_fixture.pt"),
        "--config", root.resolve("sam2.1_hiera_fixture.yaml"), "--video",
        root.resolve("video/bedroom"), "--runs", "1", "--video-frames", "1", "--video-lengths", "3",
        "--json");
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals(960, j.get("width").asInt());
    double encoder = j.get("encoder_ms_per_frame").asDouble();
    assertTrue(encoder > 0, r.out);
    for (String k : new String[] {"1_object", "3_objects"}) {
      JsonNode o = j.get(k);
      double ms = o.get("track_ms_per_frame").asDouble();
      assertTrue(ms > 0, k + ": " + r.out);
      assertEquals(1000 / ms, o.get("frames_per_s").asDouble(), 1e-9);
      assertEquals(ms - encoder, o.get("memory_ms_per_frame").asDouble(), 1e-9);
    }
    JsonNode child = j.at("/memory/3");
    assertEquals(3, child.get("frames").asInt(), r.out);
    assertTrue(child.get("peak_rss_mb").asDouble() > 50, r.out);
    assertTrue(child.get("tracker_heap_mb").asDouble() > 0, r.out);
  }

  @Test
  void benchWithoutImageOrVideoIsAClearError() {
    CliRunner r = CliRunner.run("bench", "--model", Fixtures.root().resolve("sam2.1_hiera_fixture.pt"));
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode);
    assertTrue(r.err.contains("give --image IMG (or --video"), r.err);
  }
}
