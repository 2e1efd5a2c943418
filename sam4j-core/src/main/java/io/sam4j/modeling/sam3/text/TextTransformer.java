package io.sam4j.modeling.sam3.text;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.MultiheadAttention;
import io.sam4j.modeling.sam3.Sam3Spec;

/**
 * OpenAI CLIP's causal text transformer as SAM 3 uses it ({@code text_encoder_ve.TextTransformer},
 * {@code output_tokens=True}, no pooling used): token embeddings plus
 * {@code positional_embedding}, {@code ResidualAttentionBlock}s (pre-LN: {@code x + attn(ln_1(x))}
 * under the causal mask, {@code x + c_proj(gelu(c_fc(ln_2(x))))}), then {@code ln_final}. Padding
 * tokens are not masked inside the encoder, only future ones. LayerNorm eps 1e-5. Keys under
 * {@code backbone.language_backbone.encoder.}.
 */
public final class TextTransformer {
  private static final float EPS = 1e-5f;
  private final Layers nn;
  private final Sam3Spec.Text spec;
  private final String p;

  /** @param prefix the module's keys ({@code ...language_backbone.encoder}) */
  public TextTransformer(Layers nn, Sam3Spec.Text spec, String prefix) {
    this.nn = nn;
    this.spec = spec;
    this.p = prefix;
  }

  /**
   * The per-token outputs.
   *
   * @param tokenEmbeds [1, context, width], rows of {@code token_embedding.weight}
   * @return [1, context, width] after {@code ln_final}
   */
  public Value build(Value tokenEmbeds) {
    int n = spec.contextLength();
    Value x = nn.add(tokenEmbeds, nn.reshape(nn.weight(p + ".positional_embedding"), 1, n,
        spec.width()));
    Value mask = nn.g.weight(p + ".attn_mask", causalMask(n), n, n);
    for (int i = 0; i < spec.layers(); i++) {
      String b = p + ".transformer.resblocks." + i;
      Value h = nn.layerNorm(b + ".ln_1", x, EPS);
      x = nn.add(x, MultiheadAttention.build(nn, b + ".attn", h, h, h, spec.heads(), mask));
      Value m = nn.layerNorm(b + ".ln_2", x, EPS);
      x = nn.add(x, nn.linear(b + ".mlp.c_proj", nn.gelu(nn.linear(b + ".mlp.c_fc", m))));
    }
    return nn.layerNorm(p + ".ln_final", x, EPS);
  }

  /** {@code build_causal_mask}: -inf above the diagonal, 0 elsewhere, [n, n]. */
  static float[] causalMask(int n) {
    float[] m = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        m[i * n + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return m;
  }
}
