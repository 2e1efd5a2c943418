package io.sam4j.modeling.edgetam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.AxialRotary;
import io.sam4j.modeling.sam2.memory.CrossAttention;

/**
 * EdgeTAM's memory cross-attention ({@code RoPEAttentionv2}, {@code sam2/modeling/sam/transformer.py:367}),
 * weights under {@code memory_attention.layers.N.cross_attn_image}: {@code q_proj},
 * {@code k_proj}, {@code v_proj} (from {@code kv_in_dim}), {@code out_proj}.
 *
 * <p>Queries get a fixed axial RoPE of the {@code q_sizes} grid (64x64, never recomputed). The
 * keys are F memory frames of the spatial perceiver's tokens, each {@code [global latents | k_sizes
 * grid of patch latents]}, then P object-pointer tokens: per frame the global latents are not
 * rotated and the patch latents get the {@code k_sizes} axial RoPE in latent-grid units
 * ({@code apply_rotary_enc_v2} with {@code repeat_freqs = num_spatial_mem}); pointers are not
 * rotated. Then plain softmax attention.
 *
 * <p>Shapes: q [B, qW*qH, C] (normed queries), k and v [B, F*(G + kW*kH) + P, kv_in_dim]; output
 * [B, qW*qH, C].
 */
public final class RoPEAttentionv2 implements CrossAttention {
  private final Layers nn;
  private final String prefix;
  private final int numHeads;
  private final double ropeTheta;
  private final int[] qSizes;
  private final int[] kSizes;
  private final int tokensPerFrame;

  /**
   * @param prefix the module's state-dict prefix
   * @param qSizes the query grid {@code [w, h]}
   * @param kSizes a memory frame's patch-latent grid {@code [w, h]}
   * @param tokensPerFrame tokens per memory frame T: the global latents, then the patch grid
   */
  public RoPEAttentionv2(Layers nn, String prefix, int numHeads, double ropeTheta, int[] qSizes,
      int[] kSizes, int tokensPerFrame) {
    if (tokensPerFrame < kSizes[0] * kSizes[1]) {
      throw new IllegalArgumentException("a memory frame of " + tokensPerFrame
          + " tokens cannot hold the " + kSizes[0] + "x" + kSizes[1] + " patch latents");
    }
    this.nn = nn;
    this.prefix = prefix;
    this.numHeads = numHeads;
    this.ropeTheta = ropeTheta;
    this.qSizes = qSizes.clone();
    this.kSizes = kSizes.clone();
    this.tokensPerFrame = tokensPerFrame;
  }

  /**
   * @param q the normed queries [B, qW*qH, C]
   * @param kMem keys of F memory frames [B, F*T, kv_in] (memory plus position encoding), T =
   *     {@code tokensPerFrame}; F may vary from run to run
   * @param vMem their values
   * @param kExtra object-pointer keys [B, P, kv_in], P possibly 0; {@code vExtra} their values
   * @return [B, qW*qH, C]
   */
  @Override
  public Value crossAttention(Value q, Value kMem, Value vMem, Value kExtra, Value vExtra) {
    GraphBuilder g = nn.g;
    int d = nn.param(prefix + ".q_proj", "weight").dim(0) / numHeads;
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      Value qp = new AxialRotary.Tables(d, ropeTheta).grid(qSizes[0], qSizes[1])
          .rotate(g, prefix + ".rope_q", heads(nn.linear(prefix + ".q_proj", q), d));
      Value km = new AxialRotary.Tables(d, ropeTheta)
          .identity(tokensPerFrame - kSizes[0] * kSizes[1]).grid(kSizes[0], kSizes[1])
          .rotate(g, prefix + ".rope_k", heads(nn.linear(prefix + ".k_proj", kMem), d));
      Value ke = heads(nn.linear(prefix + ".k_proj", kExtra), d);
      if (numHeads == 1 && !g.portable()) {
        // ONNX Runtime's MultiHeadAttention (flash attention on the CPU), [B, L, d] layouts
        Value keys = g.node("Concat", nn.reshape(km, 0, -1, d), nn.reshape(ke, 0, -1, d))
            .attr("axis", 1L).out();
        Value values = g.node("Concat", nn.linear(prefix + ".v_proj", vMem),
            nn.linear(prefix + ".v_proj", vExtra)).attr("axis", 1L).out();
        Value out = g.node("MultiHeadAttention", nn.reshape(qp, 0, -1, d), keys, values)
            .domain("com.microsoft").attr("num_heads", 1L)
            .attr("scale", (float) (1 / Math.sqrt(d))).out();
        return nn.linear(prefix + ".out_proj", out);
      }
      Value keys = g.node("Concat", km, ke).attr("axis", 2L).out();
      Value values = g.node("Concat", heads(nn.linear(prefix + ".v_proj", vMem), d),
          heads(nn.linear(prefix + ".v_proj", vExtra), d)).attr("axis", 2L).out();
      Value logits = g.op("Mul", nn.matmul(qp, nn.transpose(keys, 0, 1, 3, 2)),
          g.scalar((float) (1 / Math.sqrt(d))));
      Value out = nn.matmul(nn.softmax(logits), values);
      out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, 0, numHeads * d);
      return nn.linear(prefix + ".out_proj", out);
    }
  }

  private Value heads(Value x, int d) {
    return nn.transpose(nn.reshape(x, 0, 0, numHeads, d), 0, 2, 1, 3);
  }
}
