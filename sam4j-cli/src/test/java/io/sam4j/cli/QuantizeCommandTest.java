package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.fixtures.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sam4j quantize}: its help and its refusals (the quantization itself: sam4j-core). */
class QuantizeCommandTest {
  @TempDir Path tmp;

  @Test
  void helpShowsAnExample() {
    CliRunner r = CliRunner.run("quantize", "--help");
    assertEquals(0, r.exitCode);
    assertTrue(r.out.contains("sam4j quantize --model mobile_sam.pt --calibration photos/"), r.out);
  }

  @Test
  void otherBitWidthsAreRefused() {
    CliRunner r = CliRunner.run("quantize", "--model", Fixtures.root().resolve(
        "mobilesam-random.pt"), "--calibration", tmp, "--bits", 3, "--out", tmp.resolve("o"));
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode);
    assertTrue(r.err.contains("--bits must be 8, 4 or 2, got 3"), r.err);
  }

  @Test
  void aNonEmptyOutputIsRefused() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("x"), "x");
    CliRunner r = CliRunner.run("quantize", "--model", Fixtures.root().resolve(
        "mobilesam-random.pt"), "--calibration", Fixtures.imageFile("dog.jpg"), "--bits", 4,
        "--out", out);
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode);
    assertTrue(r.err.contains("exists and is not an empty directory"), r.err);
  }
}
