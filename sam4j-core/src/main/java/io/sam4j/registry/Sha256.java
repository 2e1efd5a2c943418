package io.sam4j.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Streaming SHA-256 of files and file prefixes, reporting progress. */
final class Sha256 {
  static final int CHUNK = 1 << 16;

  private Sha256() {}

  /** A fresh SHA-256 digest. */
  static MessageDigest newDigest() {
    return io.sam4j.io.Sha256.digest();
  }

  /** Lower-case hex of a digest. */
  static String hex(MessageDigest digest) {
    return io.sam4j.io.Sha256.hex(digest.digest());
  }

  /** The SHA-256 of a whole file, as 64 lower-case hex digits. */
  static String ofFile(Path file, String task, ProgressListener progress) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest md = newDigest();
      long size = ch.size();
      update(md, ch, size, task, progress);
      return hex(md);
    }
  }

  /** Feeds the first {@code length} bytes of {@code ch} to {@code md}, without moving its position. */
  static void update(MessageDigest md, FileChannel ch, long length, String task,
      ProgressListener progress) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    progress.begin(task, 0, length);
    try {
      long pos = 0;
      while (pos < length) {
        buf.clear().limit((int) Math.min(CHUNK, length - pos));
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new IOException("file ended after " + pos + " of " + length + " bytes");
        }
        md.update(buf.flip());
        pos += n;
        progress.update(pos);
      }
    } finally {
      progress.end();
    }
  }
}
