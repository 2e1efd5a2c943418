package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command that loads a model, given a missing file, an unknown model name and a file that
 * is not a checkpoint: one clear line, exit status 1, and nothing written.
 */
class BadInputsTest {
  @TempDir Path dir;

  private String[] args(String command, String model, Path out) {
    String img = Fixtures.imageFile("dog.jpg").toString();
    switch (command) {
      case "segment":
        return new String[] {command, "--model", model, "--image", img, "--point", "5,5", "--out", out.toString()};
      case "everything":
        return new String[] {command, "--model", model, "--image", img, "--out", out.resolve("r.json").toString()};
      case "embed":
        return new String[] {command, "--model", model, "--image", img, "--out", out.resolve("e.npy").toString()};
      case "info":
        return new String[] {command, model};
      case "export-onnx":
        return new String[] {command, "--model", model, "--out", out.toString()};
      case "bench":
        return new String[] {command, "--model", model, "--image", img, "--runs", "1", "--no-amg"};
      default:
        throw new IllegalArgumentException(command);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"segment", "everything", "embed", "info", "export-onnx", "bench"})
  void refusesBadModels(String command) throws IOException {
    Path notCheckpoint = Files.writeString(dir.resolve("notes.pth"), "just text");
    String[][] cases = {
        {dir.resolve("missing.pth").toString(), "does not exist"},
        {"sam_vit_q", "known names: sam_vit_b"},
        {notCheckpoint.toString(), "not a model checkpoint"},
    };
    for (String[] c : cases) {
      Path out = dir.resolve("out-" + command);
      CliRunner r = CliRunner.run((Object[]) args(command, c[0], out));
      assertEquals(1, r.exitCode, command + " " + c[0] + ": " + r.err);
      assertTrue(r.err.contains(c[1]), r.err);
      assertEquals(1, r.err.strip().lines().count(), r.err);
      try (Stream<Path> s = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
        assertEquals(0, s.filter(Files::isRegularFile).count(), "no output written");
      }
    }
  }
}
