package io.sam4j.video;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time a tracker spent per stage ({@link VideoTracker#stageMillis}), summed since the last
 * reset: the image encoder, the memory attention, the mask decoder (with the object pointer), the
 * memory encoder, and the hole filling and resize to the video's size. Not thread-safe; one per
 * tracker.
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

  /** Runs {@code work}, adding its wall time to {@code stage}. */
  <T> T time(Stage stage, Supplier<T> work) {
    long t0 = System.nanoTime();
    try {
      return work.get();
    } finally {
      nanos[stage.ordinal()] += System.nanoTime() - t0;
    }
  }

  /** Milliseconds per stage, by {@link Stage#key}. */
  Map<String, Double> millis() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      out.put(s.key, nanos[s.ordinal()] / 1e6);
    }
    return out;
  }

  void reset() {
    java.util.Arrays.fill(nanos, 0);
  }
}
