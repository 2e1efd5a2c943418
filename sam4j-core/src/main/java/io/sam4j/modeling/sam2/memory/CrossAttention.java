package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * The cross-attention of a memory-attention layer, the seam where families differ: SAM 2's
 * {@link RoPEAttention}; EfficientTAM's pooled {@code EfficientRoPEAttention1}; EdgeTAM's
 * {@code RoPEAttentionv2}, whose first latents per memory frame get no rotation.
 */
public interface CrossAttention {
  /**
   * @param q queries [1, N, C]
   * @param kMem keys of the memory frames [1, F*T, kv_in] (memory plus position encoding, T tokens
   *     per frame)
   * @param vMem their values [1, F*T, kv_in]
   * @param kExtra keys that are never rotated (object pointers) [1, P, kv_in], P possibly 0
   * @param vExtra their values [1, P, kv_in]
   * @return [1, N, C]
   */
  Value crossAttention(Value q, Value kMem, Value vMem, Value kExtra, Value vExtra);

  /** Makes a layer's cross-attention from its keys' prefix and settings. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param grid side of the square query grid
     */
    CrossAttention create(Layers nn, String prefix, RopeAttentionSpec spec, int grid);

    /** SAM 2's {@link RoPEAttention}. */
    Factory ROPE = (nn, prefix, spec, grid) -> new RoPEAttention(nn, prefix, spec, grid, grid);
  }
}
