package io.sam4j.registry;

import java.nio.file.Path;

/**
 * What checking a downloaded checkpoint against its registry entry found.
 *
 * @param entry the registry entry checked against
 * @param file the file that was hashed
 * @param sizeBytes the file's size
 * @param sha256 the file's SHA-256, 64 lower-case hex digits
 * @param result the verdict
 */
public record Verification(ModelEntry entry, Path file, long sizeBytes, String sha256,
    Result result) {

  /** The verdict of a check. */
  public enum Result {
    /** Size (where known) and SHA-256 match the entry. */
    OK,
    /** The size or the SHA-256 differ from the entry: the file is not the published one. */
    MISMATCH,
    /** The entry has no reference SHA-256, so nothing could be compared. */
    UNVERIFIED
  }

  /** Compares a file's measured size and hash with {@code entry}. */
  static Verification of(ModelEntry entry, Path file, long sizeBytes, String sha256) {
    Result r;
    if (!entry.hasSha256()) {
      r = Result.UNVERIFIED;
    } else if (entry.sha256().equals(sha256) && (!entry.hasSize() || entry.sizeBytes() == sizeBytes)) {
      r = Result.OK;
    } else {
      r = Result.MISMATCH;
    }
    return new Verification(entry, file, sizeBytes, sha256, r);
  }

  /** Whether the file is the published one. */
  public boolean ok() {
    return result == Result.OK;
  }

  /** One line for people, naming the file, the expected and the actual hash. */
  public String message() {
    switch (result) {
      case OK:
        return entry.name() + ": OK, sha256 " + sha256 + " (" + file + ")";
      case UNVERIFIED:
        return entry.name() + ": NOT VERIFIED, no reference sha256 is known; the file " + file
            + " has sha256 " + sha256;
      default:
        String size = entry.hasSize() && entry.sizeBytes() != sizeBytes
            ? " and is " + sizeBytes + " bytes instead of " + entry.sizeBytes() : "";
        return entry.name() + ": MISMATCH, " + file + " has sha256 " + sha256 + size
            + " but the published file has sha256 " + entry.sha256()
            + "; delete it and download it again";
    }
  }
}
