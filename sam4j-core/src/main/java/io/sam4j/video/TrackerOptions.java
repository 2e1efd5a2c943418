package io.sam4j.video;

import java.nio.file.Path;

/**
 * How a {@link VideoTracker} holds its state.
 *
 * @param cachedFrames frames whose encoder features are kept (least recently used beyond that
 *     are recomputed from the frame source when needed again)
 * @param memoryHeapBytes heap for memories and logits; older ones are spilled to disk
 * @param spillDirectory where to spill (null: the system's temporary folder)
 * @param dropOldMemories forget instead of spilling: bounded disk too, but a later correction or
 *     reverse pass that reads a forgotten memory runs without it (not the reference's result)
 */
public record TrackerOptions(int cachedFrames, long memoryHeapBytes, Path spillDirectory,
    boolean dropOldMemories) {
  public TrackerOptions {
    if (cachedFrames < 1) {
      throw new IllegalArgumentException("cachedFrames must be at least 1, not " + cachedFrames);
    }
    if (memoryHeapBytes < 0) {
      throw new IllegalArgumentException("memoryHeapBytes must not be negative");
    }
  }

  /** Two cached frames, 64 MiB of memories in the heap, spilling to the temporary folder. */
  public static TrackerOptions defaults() {
    return new TrackerOptions(2, 64L << 20, null, false);
  }
}
