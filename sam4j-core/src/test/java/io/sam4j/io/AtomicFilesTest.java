package io.sam4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  /** Linux pids stop at 4194304: no process has this one. */
  private static final long DEAD_PID = 999_999_999L;

  @TempDir Path dir;

  private List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesThroughAHiddenTemporaryNamedForItsProcess() throws IOException {
    Path target = dir.resolve("out").resolve("x.npy");
    long pid = ProcessHandle.current().pid();
    AtomicFiles.write(target, out -> {
      List<String> during = names(target.getParent());
      assertEquals(1, during.size(), during.toString());
      String name = during.get(0);
      assertTrue(name.matches("\\.x\\.npy\\.sam4j-" + pid + "-\\d+\\.part"), name);
      out.write(new byte[] {1, 2, 3});
    });
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals(List.of("x.npy"), names(target.getParent()));
  }

  @Test
  void failedWriteLeavesNeitherTargetNorTemporary() throws IOException {
    Path target = dir.resolve("y.npy");
    SamException e = assertThrows(SamException.class, () -> AtomicFiles.write(target, out -> {
      out.write(1);
      throw new IOException("disk full");
    }));
    assertEquals(SamException.Kind.IO, e.kind());
    assertTrue(e.getMessage().contains("y.npy: disk full"), e.getMessage());
    assertEquals(List.of(), names(dir));
  }

  @Test
  void removesOnlyTheTemporariesOfDeadProcesses() throws IOException {
    long alive = ProcessHandle.current().pid();
    Path sub = Files.createDirectories(dir.resolve("case").resolve("deeper"));
    Path dead = Files.createFile(dir.resolve(".a.npy.sam4j-" + DEAD_PID + "-12.part"));
    Path deadInCase = Files.createFile(dir.resolve("case/.b.npy.sam4j-" + DEAD_PID + "-3.part"));
    Path live = Files.createFile(dir.resolve(".c.npy.sam4j-" + alive + "-4.part"));
    Path foreign = Files.createFile(dir.resolve(".notes.part"));
    Path tooDeep = Files.createFile(sub.resolve(".d.npy.sam4j-" + DEAD_PID + "-5.part"));
    assertEquals(2, AtomicFiles.removeStaleTemporaries(dir, 2));
    assertTrue(Files.notExists(dead));
    assertTrue(Files.notExists(deadInCase));
    assertTrue(Files.exists(live));
    assertTrue(Files.exists(foreign));
    assertTrue(Files.exists(tooDeep));
    assertEquals(0, AtomicFiles.removeStaleTemporaries(dir.resolve("absent"), 2));
  }
}
