package io.sam4j.registry;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One downloadable checkpoint: the short name users type, the file it is saved as, where it comes
 * from, and what it must hash to.
 *
 * <p>An entry is an immutable value. The official ones are in {@link ModelRegistry#official()};
 * tests and mirrors create their own:
 *
 * <pre>{@code
 * ModelEntry e = new ModelEntry("tiny", "sam-tiny.pth", URI.create("http://127.0.0.1:8080/sam-tiny.pth"),
 *     "aa3c7b28...", 1387365, "computed locally", "a tiny test model");
 * }</pre>
 *
 * @param name the short name users type ({@code sam_vit_b}); lower-case letters, digits, {@code _},
 *     {@code -} and {@code .}
 * @param fileName the name of the file in the cache directory ({@code sam_vit_b_01ec64.pth}); a
 *     plain name, no directories
 * @param url where the file is downloaded from (http or https)
 * @param sha256 the expected SHA-256 of the whole file as 64 lower-case hex digits, or {@code null}
 *     when no published hash is known (the file is then accepted with a warning)
 * @param sizeBytes the expected size of the file in bytes, or {@link #UNKNOWN_SIZE}
 * @param hashSource where {@code sha256} and {@code sizeBytes} were taken from (a URL), or {@code
 *     null}
 * @param description one line for {@code sam4j models list}
 * @param access {@code null} for a file anyone can download; otherwise how to obtain a gated file
 *     by hand (sam4j then never downloads it)
 */
public record ModelEntry(
    String name,
    String fileName,
    URI url,
    String sha256,
    long sizeBytes,
    String hashSource,
    String description,
    String access) {

  /** The value of {@link #sizeBytes()} when the size is not known in advance. */
  public static final long UNKNOWN_SIZE = -1;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /**
   * Checks every field.
   *
   * @throws IllegalArgumentException naming the field that is wrong and why
   */
  public ModelEntry {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("model name must be lower-case letters, digits, '_', '-' "
          + "or '.', starting with a letter or digit: " + name);
    }
    if (fileName == null || fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\")
        || fileName.equals(".") || fileName.equals("..")) {
      throw new IllegalArgumentException("file name of model " + name
          + " must be a plain file name without directories: " + fileName);
    }
    if (url == null || url.getScheme() == null
        || !(url.getScheme().equalsIgnoreCase("http") || url.getScheme().equalsIgnoreCase("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException("URL of model " + name + " must be an http(s) URL: " + url);
    }
    if (sha256 != null) {
      sha256 = sha256.toLowerCase(Locale.ROOT);
      if (!HEX64.matcher(sha256).matches()) {
        throw new IllegalArgumentException("sha256 of model " + name
            + " must be 64 hex digits: " + sha256);
      }
    }
    if (sizeBytes < 0 && sizeBytes != UNKNOWN_SIZE) {
      throw new IllegalArgumentException("size of model " + name + " must be >= 0 or UNKNOWN_SIZE: "
          + sizeBytes);
    }
    description = description == null ? "" : description;
  }

  /** An entry anyone can download. */
  public ModelEntry(String name, String fileName, URI url, String sha256, long sizeBytes,
      String hashSource, String description) {
    this(name, fileName, url, sha256, sizeBytes, hashSource, description, null);
  }

  /** Whether the publisher gates the file (a licence to accept, an account): see {@link #access()}. */
  public boolean gated() {
    return access != null;
  }

  /** Whether a reference hash is known, so that a download can be verified. */
  public boolean hasSha256() {
    return sha256 != null;
  }

  /** Whether the size in bytes is known in advance. */
  public boolean hasSize() {
    return sizeBytes != UNKNOWN_SIZE;
  }

  /**
   * The same entry downloaded from {@code base} + {@link #fileName()} instead of its own URL (a
   * mirror or a local test server); the name, hash and size are kept.
   *
   * @param base an http(s) URL; a missing trailing {@code /} is added
   */
  public ModelEntry withBaseUrl(URI base) {
    String b = base.toString();
    URI resolved = URI.create(b.endsWith("/") ? b : b + "/").resolve(fileName);
    return new ModelEntry(name, fileName, resolved, sha256, sizeBytes, hashSource, description,
        access);
  }
}
