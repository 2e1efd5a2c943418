package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * SAM 2's {@code MemoryAttention} ({@code sam2/modeling/memory_attention.py}): the current frame's
 * tokens plus {@code 0.1 * pos} (when {@code pos_enc_at_input}) through {@code num_layers}
 * {@link MemoryAttentionLayer}s, then {@code norm}. Keys under {@code memory_attention.}.
 */
public final class MemoryAttention {
  static final String P = "memory_attention";
  private final Layers nn;
  private final MemoryAttentionSpec spec;
  private final MemoryAttentionLayer[] layers;

  /**
   * @param grid side of the square grid of the current frame's tokens
   * @param cross the layers' cross-attention ({@link CrossAttention.Factory#ROPE} for SAM 2)
   */
  public MemoryAttention(Layers nn, MemoryAttentionSpec spec, int grid,
      CrossAttention.Factory cross) {
    this.nn = nn;
    this.spec = spec;
    this.layers = new MemoryAttentionLayer[spec.numLayers()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new MemoryAttentionLayer(nn, P + ".layers." + i, spec, grid, cross);
    }
  }

  /**
   * @param curr the current frame's features as tokens [1, N, C]
   * @param currPos their position encoding [1, N, C]
   * @param memory memory-frame tokens [1, F*T, mem], {@code memoryPos} their encoding
   * @param extra object-pointer tokens [1, P, mem], {@code extraPos} their encoding
   * @return the memory-conditioned tokens [1, N, C]
   */
  public Value build(Value curr, Value currPos, Value memory, Value memoryPos, Value extra,
      Value extraPos) {
    return attend(frameTokens(curr, currPos), currPos, memory, memoryPos, extra, extraPos);
  }

  /**
   * What depends on the current frame alone, the same for every object: the input position
   * term and the first layer's self-attention residual.
   *
   * @return [1, N, C], the input of {@link #attend}
   */
  public Value frameTokens(Value curr, Value currPos) {
    Value out = curr;
    if (spec.posEncAtInput()) {
      out = nn.add(out, nn.mul(currPos, nn.g.scalar(0.1f)));
    }
    return layers[0].selfAttend(out, currPos);
  }

  /** The rest of the layers and {@code norm}, from {@link #frameTokens}. */
  public Value attend(Value frameTokens, Value currPos, Value memory, Value memoryPos,
      Value extra, Value extraPos) {
    Value out = layers[0].crossAttend(frameTokens, currPos, memory, memoryPos, extra, extraPos);
    for (int i = 1; i < layers.length; i++) {
      out = layers[i].build(out, currPos, memory, memoryPos, extra, extraPos);
    }
    return nn.layerNorm(P + ".norm", out, 1e-5f);
  }
}
