package io.sam4j.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This process's resident memory as Linux reports it in {@code /proc/self/status}: the current
 * resident set ({@code VmRSS}) and its peak ({@code VmHWM}), which count the Java heap, ONNX
 * Runtime's native arenas and decoder buffers alike. Elsewhere the values are -1.
 *
 * <p>{@link #resetPeak()} sets the peak back to the current resident set (Linux 4.0 and later), so
 * that one phase's peak can be read after another's; memory the JVM keeps committed from an
 * earlier phase still counts, so compare phases in fresh processes where that matters.
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcessMemory() {}

  /** Peak resident set size in bytes, or -1 where unknown. */
  public static long peakRssBytes() {
    return field("VmHWM:");
  }

  /** Current resident set size in bytes, or -1 where unknown. */
  public static long rssBytes() {
    return field("VmRSS:");
  }

  /**
   * Resets the peak to the current resident set.
   *
   * @return whether the kernel took the reset
   */
  public static boolean resetPeak() {
    try {
      Files.write(CLEAR_REFS, "5".getBytes(StandardCharsets.US_ASCII));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static long field(String name) {
    try {
      List<String> lines = Files.readAllLines(STATUS, StandardCharsets.US_ASCII);
      for (String line : lines) {
        if (line.startsWith(name)) {
          // "VmHWM:     123456 kB"
          return Long.parseLong(line.substring(name.length()).replace("kB", "").trim()) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
