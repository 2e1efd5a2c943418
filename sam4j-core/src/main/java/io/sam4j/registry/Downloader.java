package io.sam4j.registry;

import io.sam4j.SamException;
import io.sam4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Downloads a checkpoint so that the target file is either absent or complete and verified.
 *
 * <p>The bytes go to {@code <target>.part}. An interrupted download leaves the part file behind
 * and the next call resumes it with an HTTP {@code Range} request, after hashing what is already
 * there; a server that ignores the range (answers 200 instead of 206) makes it start over. When
 * all bytes are in, the SHA-256 is compared with {@link ModelEntry#sha256()}: on a match the part
 * file is renamed onto the target in one step, on a mismatch it is deleted. A lost connection is
 * retried, resuming, up to {@code attempts} times in all.
 *
 * <p>Only one process can write a part file at a time (it is locked while in use).
 *
 * <pre>{@code
 * Downloader d = Downloader.withDefaults();
 * Path file = d.download(entry, cache.fileOf(entry), new TextProgress(err, true));
 * }</pre>
 */
public final class Downloader {
  /** Tries per download when {@link #withDefaults()} is used: the first and two resumptions. */
  public static final int DEFAULT_ATTEMPTS = 3;

  /** How long {@link #withDefaults()} waits for a connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /** How long {@link #withDefaults()} waits for the next bytes before it gives up on a connection. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int attempts;

  /**
   * A downloader with the given limits. Redirects are followed (at most five, never from https to
   * http); the JVM's proxy settings ({@code https.proxyHost}...) apply.
   *
   * @param connectTimeout how long to wait for a connection
   * @param readTimeout how long to wait for the next bytes of a response before the connection
   *     counts as broken
   * @param attempts how many requests one download may make when connections break, at least 1
   * @throws IllegalArgumentException if a timeout is not positive or {@code attempts < 1}
   */
  public Downloader(Duration connectTimeout, Duration readTimeout, int attempts) {
    if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative()
        || readTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive: connect " + connectTimeout
          + ", read " + readTimeout);
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1: " + attempts);
    }
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.attempts = attempts;
  }

  /**
   * A downloader that waits {@link #DEFAULT_CONNECT_TIMEOUT} for a connection and {@link
   * #DEFAULT_READ_TIMEOUT} for data, and makes {@value #DEFAULT_ATTEMPTS} attempts.
   */
  public static Downloader withDefaults() {
    return new Downloader(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_ATTEMPTS);
  }

  /**
   * Downloads {@code entry} to {@code target}, resuming {@code <target>.part} if it exists, and
   * replaces {@code target} only once the whole file is in and its hash matches.
   *
   * @param progress hears about checking the part file and about the transfer
   * @return {@code target}
   * @throws SamException of kind {@link SamException.Kind#BAD_CHECKPOINT} when the bytes do not
   *     hash to {@link ModelEntry#sha256()} or are not {@link ModelEntry#sizeBytes()} long (the
   *     part file is deleted), or {@link SamException.Kind#IO} when the server cannot be reached
   *     or refuses, or the file cannot be written (the message names the URL, the cause, and where
   *     to put the file by hand)
   */
  public Path download(ModelEntry entry, Path target, ProgressListener progress) {
    Path abs = target.toAbsolutePath();
    Path part = ModelCache.partOf(abs);
    try {
      Files.createDirectories(abs.getParent());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO,
          "cannot create " + abs.getParent() + ": " + Transfer.describe(e), e);
    }
    String actual;
    boolean corrupt = false;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
         FileLock lock = lock(ch, entry, part)) {
      actual = new Transfer(connectTimeout, readTimeout, attempts, entry, abs, ch, progress).run();
    } catch (SamException e) {
      corrupt = e.kind() == SamException.Kind.BAD_CHECKPOINT;
      throw e;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO,
          "cannot write " + part + ": " + Transfer.describe(e), e);
    } finally {
      cleanUp(part, corrupt);
    }
    check(entry, abs, part, actual, progress);
    try {
      AtomicFiles.replace(part, abs);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO,
          "cannot move " + part + " to " + abs + ": " + Transfer.describe(e), e);
    }
    return abs;
  }

  private static FileLock lock(FileChannel ch, ModelEntry entry, Path part) throws IOException {
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new SamException(SamException.Kind.IO, "another download of " + entry.name()
          + " is writing " + part + "; wait for it to finish");
    }
    return lock;
  }

  /** Deletes the part file when its content is wrong, or when it is empty (nothing to resume). */
  private static void cleanUp(Path part, boolean corrupt) {
    try {
      if (corrupt || (Files.isRegularFile(part) && Files.size(part) == 0)) {
        Files.deleteIfExists(part);
      }
    } catch (IOException ignored) {
      // what could not be deleted is only a stale .part file, overwritten by the next download
    }
  }

  private static void check(ModelEntry entry, Path target, Path part, String actual,
      ProgressListener progress) {
    if (!entry.hasSha256()) {
      progress.note("no reference sha256 is known for " + entry.name() + "; the file was NOT "
          + "verified (its sha256 is " + actual + ")");
      return;
    }
    if (!entry.sha256().equals(actual)) {
      cleanUp(part, true);
      throw new SamException(SamException.Kind.BAD_CHECKPOINT, "checksum mismatch for "
          + entry.name() + " downloaded from " + entry.url() + ": expected sha256 "
          + entry.sha256() + ", got " + actual + "; the download was deleted and nothing was "
          + "saved at " + target + ". Try again; if it fails again the server is not serving the "
          + "official file");
    }
  }
}
