package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * What a family does to a memory after the memory encoder and before it is stored (EdgeTAM's 2D
 * Spatial Perceiver compresses each memory to latents). SAM 2 stores the encoder's output as is
 * ({@link #NONE}).
 */
@FunctionalInterface
public interface MemoryCompressor {
  /**
   * @param features the memory encoder's output [B, mem, h, w] (no-object embedding included)
   * @return the stored memory, [B, mem, T] tokens channel-first or [B, mem, h, w]
   */
  Value compress(Layers nn, Value features);

  /** No compression. */
  MemoryCompressor NONE = (nn, features) -> features;
}
