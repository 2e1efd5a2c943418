package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j predict} killed outright (SIGKILL) in the middle of writing its outputs, in a
 * separate JVM: every output file that exists under its final name is complete, and the hidden
 * temporaries it may leave are removed by the next run.
 */
class KilledPredictTest {
  private static final int CASES = 300;
  private static final Map<String, long[]> SHAPES = Map.of(
      "masks.npy", new long[] {3, 534, 800},
      "iou_predictions.npy", new long[] {3},
      "low_res_logits.npy", new long[] {3, 256, 256});

  @TempDir Path dir;

  @Test
  void killedRunLeavesOnlyCompleteOutputs() throws Exception {
    Path out = dir.resolve("out");
    Path cases = cases(CASES);
    // the killed JVM cannot clean up: its temporary files (ONNX Runtime's libraries) go in dir
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Process p = new ProcessBuilder(javaCommand(tmp, "predict", "--model",
        Fixtures.checkpoint(Model.TINY).toString(), "--spec", Fixtures.spec(Model.TINY).toString(),
        "--image", Fixtures.imageFile("dog.jpg").toString(), "--prompts", cases.toString(),
        "--out", out.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("predict.log").toFile()).start();
    long pid = p.pid();
    try {
      Path tenth = out.resolve("case_010").resolve("low_res_logits.npy");
      assertTrue(await(p, 120, () -> Files.exists(tenth)), "no outputs after 120 s");
      // kill while a file is being written, when the timing allows it
      await(p, 20, () -> hasTemporary(out));
      assertTrue(p.isAlive(), "the run finished before it could be killed");
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
    List<Path> temporaries = new ArrayList<>();
    int complete = 0;
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith(".")) {
          assertTrue(name.matches("\\..+\\.npy\\.sam4j-" + pid + "-\\d+\\.part"), name);
          temporaries.add(f);
        } else {
          assertComplete(f);
          complete++;
        }
      }
    }
    assertTrue(complete >= 1 + 3 * 11, complete + " complete files");
    assertTrue(complete < 1 + 3 * CASES, "everything was written: nothing was interrupted");

    // the next run removes what the killed one left, and writes its own outputs completely
    CliRunner next = CliRunner.run("predict", "--model", Fixtures.checkpoint(Model.TINY), "--spec",
        Fixtures.spec(Model.TINY), "--image", Fixtures.imageFile("dog.jpg"), "--prompts",
        cases(1), "--out", out);
    assertEquals(0, next.exitCode, next.err);
    for (Path t : temporaries) {
      assertTrue(Files.notExists(t), t + " was left behind");
    }
    try (Stream<Path> files = Files.walk(out)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")));
    }
  }

  /** A complete .npy: it parses and has the shape the command writes under that name. */
  private static void assertComplete(Path f) {
    String name = f.getFileName().toString();
    Tensor t = Npy.read(f);
    if (name.equals("image_embeddings.npy")) {
      assertArrayEquals(new long[] {1, 32, 64, 64}, t.shape(), f.toString());
    } else if (SHAPES.containsKey(name)) {
      assertArrayEquals(SHAPES.get(name), t.shape(), f.toString());
    } else {
      fail("unexpected output " + f);
    }
  }

  /** Waits until {@code done} holds (true) or {@code seconds} pass (false); fails if p exits. */
  private static boolean await(Process p, int seconds, Check done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.holds()) {
      if (!p.isAlive()) {
        fail("predict exited with " + p.exitValue() + " before it could be killed");
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }

  private interface Check {
    boolean holds() throws IOException;
  }

  private static boolean hasTemporary(Path out) throws IOException {
    try (Stream<Path> files = Files.walk(out, 2)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".part"));
    } catch (java.io.UncheckedIOException e) {
      return false; // a temporary renamed away while listing
    }
  }

  /** {@code n} multimask point cases over the dog image. */
  private Path cases(int n) throws IOException {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append(String.format(
          "{\"name\": \"case_%03d\", \"point_coords\": [[%d, %d]], \"point_labels\": [1],"
              + " \"multimask_output\": true}", i, 100 + i * 2, 50 + i));
    }
    return Files.writeString(dir.resolve("cases-" + n + ".json"), sb.append("]").toString());
  }

  /** The command line of a new JVM running the CLI on this test's class path. */
  private static List<String> javaCommand(Path tmp, String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Djava.io.tmpdir=" + tmp, "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
