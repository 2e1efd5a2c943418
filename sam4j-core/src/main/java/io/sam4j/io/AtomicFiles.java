package io.sam4j.io;

import io.sam4j.SamException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files so that readers never see half of one: the bytes go to a temporary file in the
 * same directory, which is then renamed over the target.
 *
 * <p>A temporary file is named {@code .<target name>.sam4j-<pid>-<random>.part}: hidden, and
 * obviously temporary. It is deleted when the write fails and, through a shutdown hook, when the
 * JVM exits normally or on SIGTERM/Ctrl-C. A process killed outright (SIGKILL, power loss) leaves
 * it behind; {@link #removeStaleTemporaries} deletes those of processes that no longer run, and
 * the CLI calls it on its output directory at the start of every run.
 */
public final class AtomicFiles {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.sam4j-(\\d+)-\\d+\\.part");
  private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Path p : IN_FLIGHT) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // the next run's removeStaleTemporaries deletes it
        }
      }
    }, "sam4j-atomic-files-cleanup"));
  }

  private AtomicFiles() {}

  /** Something that writes the file's content to a stream. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the whole content; the stream is closed by the caller. */
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically, creating its parent directories.
   *
   * @throws SamException of kind {@code IO} naming the target when it cannot be written
   */
  public static void write(Path target, Writer writer) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // a new file (not createTempFile's owner-only one) so the result gets the usual permissions
      tmp = dir.resolve("." + abs.getFileName() + ".sam4j-" + ProcessHandle.current().pid() + "-"
          + Long.toUnsignedString(RANDOM.nextLong()) + ".part");
      IN_FLIGHT.add(tmp);
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
        writer.write(out);
      }
      replace(tmp, abs);
      IN_FLIGHT.remove(tmp);
      tmp = null;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO,
          "cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file is hidden and named .part; nothing more to do
        }
        IN_FLIGHT.remove(tmp);
      }
    }
  }

  /**
   * Renames {@code source} over {@code target} in one step where the file system allows it (both
   * must be in the same directory or at least on the same file system), so that {@code target} is
   * either the old file or the complete new one, never a mix.
   *
   * @throws IOException if the rename fails
   */
  public static void replace(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes bytes atomically. */
  public static void write(Path target, byte[] bytes) {
    write(target, out -> out.write(bytes));
  }

  /**
   * Deletes the temporary files that writers killed outright left in {@code dir} and its
   * subdirectories down to {@code maxDepth}: only files named as this class names them, and only
   * those of processes that no longer run (a live process may still be writing).
   *
   * @return how many files were deleted
   * @throws SamException of kind {@code IO} when the directory cannot be listed
   */
  public static int removeStaleTemporaries(Path dir, int maxDepth) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (Stream<Path> files = Files.walk(dir, maxDepth)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = TEMPORARY.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p) && !running(m.group(1))
            && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new SamException(SamException.Kind.IO,
          "cannot clean temporary files in " + dir + ": " + e.getMessage(), e);
    }
    return removed;
  }

  private static boolean running(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
