package io.sam4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories that sam4j creates and removes itself. */
public final class TempDirs {
  private TempDirs() {}

  /** A new directory under the system's temporary directory. */
  public static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /**
   * Deletes a directory and everything in it; when that fails (a file still open on some
   * systems), it is left for the JVM to delete at exit. Null is ignored.
   */
  public static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        if (!p.toFile().delete()) {
          p.toFile().deleteOnExit();
        }
      });
    } catch (IOException e) {
      dir.toFile().deleteOnExit();
    }
  }
}
