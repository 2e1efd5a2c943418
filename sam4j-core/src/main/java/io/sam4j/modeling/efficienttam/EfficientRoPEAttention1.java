package io.sam4j.modeling.efficienttam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.AxialRotary;

/**
 * EfficientTAM's pooled memory cross-attention ({@code EfficientRoPEAttention1},
 * {@code modeling/sam/transformer.py:317-427}; the {@code *_1} configs), weights under
 * {@code memory_attention.layers.N.cross_attn_image}: {@code q_proj}, {@code k_proj},
 * {@code v_proj} (from {@code kv_in_dim}), {@code out_proj}.
 *
 * <p>After the projections, queries and the spatial keys get SAM 2's axial RoPE (the query grid's
 * table repeated per memory frame; object-pointer keys are not rotated). When the spatial keys
 * outnumber the queries (two or more memory frames), spatial keys and values are average-pooled
 * 2x2 per frame on the feature grid (per frame {@code (h/2)(w/2)} tokens, row-major), their
 * logits {@code q k^T / sqrt(d)} get {@code + 2 ln 2} (each pooled key stands for four), the
 * pointer keys keep plain logits, and one softmax runs over both. With one memory frame it is
 * plain attention, exactly {@code RoPEAttention}.
 *
 * <p>Shapes: q [B, h*w, C] (the normed queries), k and v [B, F*h*w + P, kv_in_dim] with F memory
 * frames and P pointer tokens at the end; output [B, h*w, C].
 */
public final class EfficientRoPEAttention1 {
  private static final int KERNEL = 2;
  private final Layers nn;
  private final String prefix;
  private final int numHeads;
  private final double ropeTheta;
  private final int featW;
  private final int featH;

  /**
   * @param prefix the module's state-dict prefix, e.g. {@code memory_attention.layers.0.cross_attn_image}
   * @param featW the query grid's width ({@code feat_sizes[0]}); the grid must be square and even
   */
  public EfficientRoPEAttention1(Layers nn, String prefix, int numHeads, double ropeTheta,
      int featW, int featH) {
    if (featW != featH || featW % KERNEL != 0) {
      throw new IllegalArgumentException("EfficientRoPEAttention1 pools a square grid of even side,"
          + " got " + featW + "x" + featH);
    }
    this.nn = nn;
    this.prefix = prefix;
    this.numHeads = numHeads;
    this.ropeTheta = ropeTheta;
    this.featW = featW;
    this.featH = featH;
  }

  /** The head width {@code internal_dim / num_heads}. */
  int headDim() {
    return nn.param(prefix + ".q_proj", "weight").dim(0) / numHeads;
  }

  /**
   * The attention output [B, h*w, C].
   *
   * @param numFrames spatial memory frames F in k and v
   * @param numPtrTokens object-pointer tokens P after them
   */
  public Value forward(Value q, Value k, Value v, int numFrames, int numPtrTokens) {
    return forward(q, k, v, numFrames, numPtrTokens, true);
  }

  /** As {@link #forward(Value, Value, Value, int, int)}; {@code pool} false is {@code RoPEAttention}. */
  Value forward(Value q, Value k, Value v, int numFrames, int numPtrTokens, boolean pool) {
    GraphBuilder g = nn.g;
    int d = headDim();
    int nq = featW * featH;
    int spatial = numFrames * nq;
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      Value qp = heads(nn.linear(prefix + ".q_proj", q), d);
      Value kp = heads(nn.linear(prefix + ".k_proj", k), d);
      Value vp = heads(nn.linear(prefix + ".v_proj", v), d);
      qp = new AxialRotary.Tables(d, ropeTheta).grid(featW, featH).rotate(g, prefix + ".rope_q", qp);
      AxialRotary.Tables kt = new AxialRotary.Tables(d, ropeTheta);
      for (int f = 0; f < numFrames; f++) {
        kt.grid(featW, featH);
      }
      kp = kt.identity(numPtrTokens).rotate(g, prefix + ".rope_k" + numFrames + "_" + numPtrTokens,
          kp);
      float scale = (float) (1 / Math.sqrt(d));
      Value out;
      if (!pool || spatial <= nq) {
        Value logits = g.op("Mul", nn.matmul(qp, nn.transpose(kp, 0, 1, 3, 2)), g.scalar(scale));
        out = nn.matmul(nn.softmax(logits), vp);
      } else {
        int total = spatial + numPtrTokens;
        Value kBar = pool(nn.slice(kp, 2, 0, spatial), numFrames, d);
        Value vBar = pool(nn.slice(vp, 2, 0, spatial), numFrames, d);
        Value logits = g.op("Add",
            g.op("Mul", nn.matmul(qp, nn.transpose(kBar, 0, 1, 3, 2)), g.scalar(scale)),
            g.scalar((float) (2 * Math.log(KERNEL))));
        Value values = vBar;
        if (numPtrTokens > 0) {
          Value kPtr = nn.slice(kp, 2, spatial, total);
          Value ptrLogits = g.op("Mul", nn.matmul(qp, nn.transpose(kPtr, 0, 1, 3, 2)),
              g.scalar(scale));
          logits = g.node("Concat", logits, ptrLogits).attr("axis", -1L).out();
          values = g.node("Concat", vBar, nn.slice(vp, 2, spatial, total)).attr("axis", 2L).out();
        }
        out = nn.matmul(nn.softmax(logits), values);
      }
      out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, 0, numHeads * d);
      return nn.linear(prefix + ".out_proj", out);
    }
  }

  /** [B, heads, F*h*w, d] to [B, heads, F*(h/2)*(w/2), d]: 2x2 average per frame. */
  private Value pool(Value x, int numFrames, int d) {
    int nq = featW * featH;
    Value grid = nn.reshape(nn.transpose(nn.reshape(x, -1, nq, d), 0, 2, 1), -1, d, featW, featH);
    Value pooled = nn.g.node("AveragePool", grid).attrInts("kernel_shape", KERNEL, KERNEL)
        .attrInts("strides", KERNEL, KERNEL).out();
    Value rows = nn.transpose(nn.reshape(pooled, -1, d, nq / (KERNEL * KERNEL)), 0, 2, 1);
    return nn.reshape(rows, -1, numHeads, (long) numFrames * nq / (KERNEL * KERNEL), d);
  }

  private Value heads(Value x, int d) {
    return nn.transpose(nn.reshape(x, 0, 0, numHeads, d), 0, 2, 1, 3);
  }
}
