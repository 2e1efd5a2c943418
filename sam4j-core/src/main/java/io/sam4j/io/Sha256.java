package io.sam4j.io;

import io.sam4j.SamException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of files, streamed, as lowercase hex. */
public final class Sha256 {
  private Sha256() {}

  /** A fresh digest. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The hash of a file. */
  public static String of(Path file) {
    MessageDigest d = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return hex(d.digest());
  }

  /** Lowercase hex of bytes. */
  public static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
