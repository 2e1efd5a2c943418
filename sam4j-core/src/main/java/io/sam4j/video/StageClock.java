package io.sam4j.video;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time and process CPU time a tracker spent per stage ({@link VideoTracker#stageMillis}),
 * summed since the last reset: the image encoder, the memory attention, the mask decoder (with
 * the object pointer), the memory encoder, and the hole filling and resize to the video's size.
 * CPU time (all of the process's threads, so ONNX Runtime's pool included) is what a stage costs
 * on a machine that other work shares. Not thread-safe; one per tracker.
 */
final class StageClock {
  /** The stages, in the order a frame runs them; the names are the keys of the report. */
  enum Stage {
    ENCODER("encoder"), MEMORY_ATTENTION("memory_attention"), DECODER("decoder"),
    MEMORY_ENCODER("memory_encoder"), OUTPUT("output");

    final String key;

    Stage(String key) {
      this.key = key;
    }
  }

  private final long[] nanos = new long[Stage.values().length];
  private final long[] cpuNanos = new long[Stage.values().length];

  /** Runs {@code work}, adding its wall and CPU time to {@code stage}. */
  <T> T time(Stage stage, Supplier<T> work) {
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    try {
      return work.get();
    } finally {
      nanos[stage.ordinal()] += System.nanoTime() - t0;
      cpuNanos[stage.ordinal()] += cpuNanos() - c0;
    }
  }

  /** Wall milliseconds per stage, by {@link Stage#key}. */
  Map<String, Double> millis() {
    return toMillis(nanos);
  }

  /** Process CPU milliseconds per stage, by {@link Stage#key} (-1 where the JVM cannot tell). */
  Map<String, Double> cpuMillis() {
    return toMillis(cpuNanos);
  }

  private static Map<String, Double> toMillis(long[] n) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      out.put(s.key, n[s.ordinal()] / 1e6);
    }
    return out;
  }

  /** The process's CPU time so far (0 where the JVM does not report it). */
  static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  void reset() {
    java.util.Arrays.fill(nanos, 0);
    java.util.Arrays.fill(cpuNanos, 0);
  }
}
