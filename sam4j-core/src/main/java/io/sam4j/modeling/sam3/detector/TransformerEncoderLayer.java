package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.MultiheadAttention;

/**
 * {@code encoder.TransformerEncoderLayer} in its pre-norm form ({@code forward_pre}, no DAC), on
 * batch-first [1, N, d] tensors: {@code t + self_attn(q = k = norm1(t) [+ query_pos], v = norm1(t))},
 * then {@code t + cross_attn_image(norm2(t) [+ query_pos], memory [+ pos], memory)} under the
 * memory's key-padding mask, then {@code t + linear2(relu(linear1(norm3(t))))}. Where the position
 * encodings go is per use: the fusion encoder adds {@code query_pos} in self-attention only, the
 * geometry encoder adds {@code pos} to the cross-attention keys only. LayerNorm eps 1e-5.
 */
public final class TransformerEncoderLayer {
  private static final float EPS = 1e-5f;
  private final Layers nn;
  private final String p;
  private final int heads;

  /**
   * @param prefix the layer's keys ({@code transformer.encoder.layers.N},
   *     {@code geometry_encoder.encode.N})
   */
  public TransformerEncoderLayer(Layers nn, String prefix, int heads) {
    this.nn = nn;
    this.p = prefix;
    this.heads = heads;
  }

  /**
   * One layer.
   *
   * @param tgt [1, N, d]
   * @param queryPos added to q and k of the self-attention, or null
   * @param memory [1, M, d]
   * @param memoryPos added to the cross-attention keys, or null
   * @param memoryMask additive key-padding mask of the memory [1, 1, 1, M], or null
   * @return [1, N, d]
   */
  public Value build(Value tgt, Value queryPos, Value memory, Value memoryPos, Value memoryMask) {
    Value t2 = nn.layerNorm(p + ".norm1", tgt, EPS);
    Value qk = queryPos == null ? t2 : nn.add(t2, queryPos);
    Value t = nn.add(tgt, MultiheadAttention.build(nn, p + ".self_attn", qk, qk, t2, heads, null));
    t2 = nn.layerNorm(p + ".norm2", t, EPS);
    Value k = memoryPos == null ? memory : nn.add(memory, memoryPos);
    t = nn.add(t, MultiheadAttention.build(nn, p + ".cross_attn_image", t2, k, memory, heads,
        memoryMask));
    t2 = nn.layerNorm(p + ".norm3", t, EPS);
    return nn.add(t, nn.linear(p + ".linear2", nn.relu(nn.linear(p + ".linear1", t2))));
  }
}
