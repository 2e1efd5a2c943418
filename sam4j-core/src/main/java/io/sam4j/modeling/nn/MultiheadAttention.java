package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import java.util.Arrays;

/**
 * PyTorch's {@code nn.MultiheadAttention} (batch first) as ONNX nodes: q, k and v projected by the
 * row blocks of the packed {@code in_proj_weight} / {@code in_proj_bias} (q, then k, then v), split
 * into heads, {@code softmax((q / sqrt(d)) k^T + mask) v}, heads concatenated, {@code out_proj}.
 * The mask is additive (0 or -inf) and broadcasts to [B, heads, Nq, Nk]; a key-padding mask is one
 * with -inf in the padded key columns. Without a mask, and unless the graph is portable, the
 * products run in ONNX Runtime's {@code MultiHeadAttention}, which never holds the whole score
 * matrix.
 */
public final class MultiheadAttention {
  private MultiheadAttention() {}

  /**
   * The attention output.
   *
   * @param prefix the module's keys ({@code ...attn}, holding {@code in_proj_weight},
   *     {@code in_proj_bias}, {@code out_proj.weight}, {@code out_proj.bias})
   * @param q [B, Nq, E]
   * @param k [B, Nk, E]
   * @param v [B, Nk, E]
   * @param mask an additive mask, or null
   * @return [B, Nq, E]
   */
  public static Value build(Layers nn, String prefix, Value q, Value k, Value v, int heads,
      Value mask) {
    Tensor w = nn.sd.get(prefix + ".in_proj_weight");
    int e = w.dim(1);
    if (w.dim(0) != 3 * e || e % heads != 0) {
      throw new IllegalArgumentException(prefix + ".in_proj_weight is " + Arrays.toString(w.shape())
          + "; [3E, E] with E divisible by " + heads + " heads expected");
    }
    int hd = e / heads;
    if (mask == null && !nn.g.portable()) {
      // ONNX Runtime's attention kernel: the same products without holding the [heads, Nq, Nk]
      // scores (SAM 3's fusion encoder: 8 x 5184^2 floats per layer at 1008 pixels)
      Value o = nn.g.node("MultiHeadAttention", project(nn, prefix, 0, q, e),
          project(nn, prefix, 1, k, e), project(nn, prefix, 2, v, e)).domain("com.microsoft")
          .attr("num_heads", (long) heads).out();
      return nn.linear(prefix + ".out_proj", o);
    }
    Value qh = heads(nn, project(nn, prefix, 0, q, e), heads, hd);
    Value kh = heads(nn, project(nn, prefix, 1, k, e), heads, hd);
    Value vh = heads(nn, project(nn, prefix, 2, v, e), heads, hd);
    GraphBuilder g = nn.g;
    Value qs = g.op("Div", qh, g.scalar((float) Math.sqrt(hd)));
    Value scores = nn.matmul(qs, nn.transpose(kh, 0, 1, 3, 2));
    if (mask != null) {
      scores = nn.add(scores, mask);
    }
    Value o = nn.transpose(nn.matmul(nn.softmax(scores), vh), 0, 2, 1, 3);
    return nn.linear(prefix + ".out_proj", nn.reshape(o, 0, 0, e));
  }

  /** {@code x @ W_part^T + b_part} for part 0 (q), 1 (k) or 2 (v). */
  private static Value project(Layers nn, String prefix, int part, Value x, int e) {
    String name = prefix + ".in_proj." + "qkv".charAt(part);
    Tensor w = nn.sd.get(prefix + ".in_proj_weight");
    Value wt = nn.g.lazyWeight(name + ".weight.T", new long[] {e, e}, () -> {
      float[] all = w.toFloatArray();
      return Layers.transpose2d(Arrays.copyOfRange(all, part * e * e, (part + 1) * e * e), e, e);
    });
    Value y = nn.matmul(x, wt);
    String biasKey = prefix + ".in_proj_bias";
    if (nn.sd.has(biasKey)) {
      float[] b = nn.sd.get(biasKey).toFloatArray();
      y = nn.add(y, nn.g.weight(name + ".bias", Arrays.copyOfRange(b, part * e, (part + 1) * e), e));
    }
    return y;
  }

  /** [B, N, E] to [B, heads, N, hd]. */
  private static Value heads(Layers nn, Value x, int heads, int hd) {
    return nn.transpose(nn.reshape(x, 0, 0, heads, hd), 0, 2, 1, 3);
  }
}
