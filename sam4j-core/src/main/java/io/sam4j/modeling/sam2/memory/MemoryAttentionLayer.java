package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * SAM 2's {@code MemoryAttentionLayer} ({@code sam2/modeling/memory_attention.py}), pre-norm:
 * {@code tgt += self_attn(norm1(tgt))}, {@code tgt += cross_attn_image(norm2(tgt), memory + pos,
 * memory)}, {@code tgt += linear2(act(linear1(norm3(tgt))))}; LayerNorm eps 1e-5, dropout off.
 * Keys under {@code memory_attention.layers.<i>.}.
 */
public final class MemoryAttentionLayer {
  private final Layers nn;
  private final String prefix;
  private final MemoryAttentionSpec spec;
  private final RoPEAttention selfAttn;
  private final CrossAttention crossAttnImage;

  /**
   * @param grid side of the square query grid
   * @param cross makes the cross-attention ({@link CrossAttention.Factory#ROPE} for SAM 2)
   */
  public MemoryAttentionLayer(Layers nn, String prefix, MemoryAttentionSpec spec, int grid,
      CrossAttention.Factory cross) {
    this.nn = nn;
    this.prefix = prefix;
    this.spec = spec;
    this.selfAttn = new RoPEAttention(nn, prefix + ".self_attn", spec.selfAttention(), grid, grid);
    this.crossAttnImage = cross.create(nn, prefix + ".cross_attn_image", spec.crossAttention(),
        grid);
  }

  /**
   * @param tgt the current frame's tokens [1, N, C]
   * @param queryPos their position encoding [1, N, C]
   * @param memory the memory frames' tokens [1, F*N, mem] and {@code memoryPos} their encoding
   * @param extra the object-pointer tokens [1, P, mem] and {@code extraPos} their encoding
   */
  public Value build(Value tgt, Value queryPos, Value memory, Value memoryPos, Value extra,
      Value extraPos) {
    return crossAttend(selfAttend(tgt, queryPos), queryPos, memory, memoryPos, extra, extraPos);
  }

  /** The first residual: {@code tgt + self_attn(norm1(tgt))}, which sees only the frame. */
  public Value selfAttend(Value tgt, Value queryPos) {
    try (GraphBuilder.Scope s = nn.g.scope(prefix)) {
      Value t2 = nn.layerNorm(prefix + ".norm1", tgt, 1e-5f);
      Value qk = spec.posEncAtAttn() ? nn.add(t2, queryPos) : t2;
      return nn.add(tgt, selfAttn.selfAttention(qk, qk, t2));
    }
  }

  /** The cross-attention and feed-forward residuals, after {@link #selfAttend}. */
  public Value crossAttend(Value tgt, Value queryPos, Value memory, Value memoryPos, Value extra,
      Value extraPos) {
    GraphBuilder g = nn.g;
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      Value t2 = nn.layerNorm(prefix + ".norm2", tgt, 1e-5f);
      Value q = spec.posEncAtCrossAttnQueries() ? nn.add(t2, queryPos) : t2;
      Value km = spec.posEncAtCrossAttnKeys() ? nn.add(memory, memoryPos) : memory;
      Value ke = spec.posEncAtCrossAttnKeys() ? nn.add(extra, extraPos) : extra;
      tgt = nn.add(tgt, crossAttnImage.crossAttention(q, km, memory, ke, extra));

      t2 = nn.layerNorm(prefix + ".norm3", tgt, 1e-5f);
      Value h = nn.linear(prefix + ".linear1", t2);
      h = spec.activation().equals("gelu") ? nn.gelu(h) : nn.relu(h);
      return nn.add(tgt, nn.linear(prefix + ".linear2", h));
    }
  }
}
