package io.sam4j.modeling.edgetam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * One {@code PerceiverEncoderLayer} of EdgeTAM's perceiver ({@code sam2/modeling/perceiver.py}),
 * weights under {@code spatial_perceiver.layers.N}:
 * <pre>
 * latents += attn(norm_latents(latents), norm_x(x))      attn.{norm_latents, norm_x, to_q, to_kv, to_out}
 * latents += ff(latents)                                 ff.{0 LayerNorm, 1 Linear, 3 Linear}
 * latents += self_attn(latents)  (if use_self_attn)      self_attn.{norm, to_q, to_kv, to_out}
 * latents += self_ff(latents)                            self_ff.{0, 1, 3}
 * </pre>
 * {@code to_kv} is one linear layer, keys its first half; a position encoding, when given, is
 * added to both keys and values ({@code PerceiverAttention}); linear layers have no bias; FF =
 * LayerNorm, Linear, GELU (erf), Linear. Attention is softmax({@code q k^T / sqrt(dim_head)}) v.
 */
final class PerceiverEncoderLayer {
  private static final float EPS = 1e-5f;
  private final Layers nn;
  private final String prefix;
  private final int heads;
  private final int dimHead;
  private final boolean useSelfAttn;

  PerceiverEncoderLayer(Layers nn, String prefix, int heads, int dimHead, boolean useSelfAttn) {
    this.nn = nn;
    this.prefix = prefix;
    this.heads = heads;
    this.dimHead = dimHead;
    this.useSelfAttn = useSelfAttn;
  }

  /**
   * @param latents [N or 1, L, C]
   * @param x [N, M, C] the tokens attended to
   * @param pos [N or 1, M, C] added to keys and values, or null
   * @return the latents [N, L, C]
   */
  Value forward(Value latents, Value x, Value pos) {
    try (GraphBuilder.Scope s = nn.g.scope(prefix)) {
      String a = prefix + ".attn";
      Value q = nn.layerNorm(a + ".norm_latents", latents, EPS);
      Value kvIn = nn.layerNorm(a + ".norm_x", x, EPS);
      latents = nn.add(attention(a, q, kvIn, pos), latents);
      latents = nn.add(feedForward(prefix + ".ff", latents), latents);
      if (useSelfAttn) {
        Value n = nn.layerNorm(prefix + ".self_attn.norm", latents, EPS);
        latents = nn.add(attention(prefix + ".self_attn", n, n, null), latents);
        latents = nn.add(feedForward(prefix + ".self_ff", latents), latents);
      }
      return latents;
    }
  }

  private Value attention(String a, Value queries, Value kvIn, Value pos) {
    int inner = heads * dimHead;
    Value q = split(nn.linear(a + ".to_q", queries));
    Value kv = nn.linear(a + ".to_kv", kvIn);
    Value k = split(nn.slice(kv, -1, 0, inner));
    Value v = split(nn.slice(kv, -1, inner, 2L * inner));
    if (pos != null) {
      Value p = split(pos);
      k = nn.add(k, p);
      v = nn.add(v, p);
    }
    Value logits = nn.g.op("Mul", nn.matmul(q, nn.transpose(k, 0, 1, 3, 2)),
        nn.g.scalar((float) (1 / Math.sqrt(dimHead))));
    Value out = nn.matmul(nn.softmax(logits), v);
    out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, 0, inner);
    return nn.linear(a + ".to_out", out);
  }

  private Value feedForward(String f, Value x) {
    Value h = nn.linear(f + ".1", nn.layerNorm(f + ".0", x, EPS));
    return nn.linear(f + ".3", nn.gelu(h));
  }

  private Value split(Value x) {
    return nn.transpose(nn.reshape(x, 0, 0, heads, dimHead), 0, 2, 1, 3);
  }
}
