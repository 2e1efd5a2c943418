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

  /** Tokens per stored memory frame, from the memory encoder's grid side (no compression: h*w). */
  default int tokens(int grid) {
    return grid * grid;
  }

  /**
   * The position encoding of a stored memory's tokens, channel-first [mem, tokens] (before the
   * temporal encoding is added); no compression: the memory encoder's.
   */
  default float[] positionEncoding(MemoryEncoderSpec spec, int grid) {
    return MemoryEncoder.positionEncoding(spec, grid);
  }

  /** No compression. */
  MemoryCompressor NONE = (nn, features) -> features;
}
