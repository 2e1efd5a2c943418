package io.sam4j.io;

import io.sam4j.SamException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers never see half of one: the bytes go to a temporary file in the
 * same directory, which is then renamed over the target.
 */
public final class AtomicFiles {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private AtomicFiles() {}

  /** Something that writes the file's content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code target} atomically, creating its parent directories. */
  public static void write(Path target, Writer writer) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // a new file (not createTempFile's owner-only one) so the result gets the usual permissions
      tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong())
          + ".part");
      try (OutputStream out = new java.io.BufferedOutputStream(
          Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE), 1 << 16)) {
        writer.write(out);
      }
      replace(tmp, abs);
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
}
