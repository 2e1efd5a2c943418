package io.sam4j.modeling.efficienttam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.AxialRotary;
import io.sam4j.modeling.sam2.memory.CrossAttention;

/**
 * EfficientTAM's pooled memory cross-attention ({@code EfficientRoPEAttention1},
 * {@code modeling/sam/transformer.py:317-427}; the {@code *_1} configs), weights under
 * {@code memory_attention.layers.N.cross_attn_image}: {@code q_proj}, {@code k_proj},
 * {@code v_proj} (from {@code kv_in_dim}), {@code out_proj}.
 *
 * <p>After the projections, queries and the memory keys get SAM 2's axial RoPE (the query grid's
 * table repeated per memory frame; object-pointer keys are not rotated). When the memory keys
 * outnumber the queries (two or more memory frames), memory keys and values are average-pooled
 * 2x2 per frame on the feature grid (per frame {@code (h/2)(w/2)} tokens, row-major), their
 * logits {@code q k^T / sqrt(d)} get {@code + 2 ln 2} (each pooled key stands for four), the
 * pointer keys keep plain logits, and one softmax runs over both. With one memory frame it is
 * plain attention, exactly {@code RoPEAttention}. The choice is made in the graph from the number
 * of memory frames, which may vary from run to run; only the selected keys enter the products.
 */
public final class EfficientRoPEAttention1 implements CrossAttention {
  private static final int KERNEL = 2;
  private final Layers nn;
  private final String prefix;
  private final int numHeads;
  private final double ropeTheta;
  private final int grid;
  private final boolean pool;
  /** {@code EfficientRoPEAttention2}: the 2 ln 2 goes to every component of the pooled keys. */
  private final boolean biasKeys;

  /**
   * @param prefix the module's state-dict prefix, e.g. {@code memory_attention.layers.0.cross_attn_image}
   * @param grid side of the square query grid ({@code feat_sizes}), even
   */
  public EfficientRoPEAttention1(Layers nn, String prefix, int numHeads, double ropeTheta,
      int grid) {
    this(nn, prefix, numHeads, ropeTheta, grid, true);
  }

  /** {@code pool} false: SAM 2's {@code RoPEAttention} with the same weights (for comparison). */
  EfficientRoPEAttention1(Layers nn, String prefix, int numHeads, double ropeTheta, int grid,
      boolean pool) {
    this(nn, prefix, numHeads, ropeTheta, grid, pool, false);
  }

  /** {@code biasKeys}: {@link EfficientRoPEAttention2}'s form. */
  EfficientRoPEAttention1(Layers nn, String prefix, int numHeads, double ropeTheta, int grid,
      boolean pool, boolean biasKeys) {
    if (grid % KERNEL != 0) {
      throw new IllegalArgumentException("EfficientRoPEAttention1 pools 2x2: the feature grid side "
          + grid + " must be even");
    }
    this.nn = nn;
    this.prefix = prefix;
    this.numHeads = numHeads;
    this.ropeTheta = ropeTheta;
    this.grid = grid;
    this.pool = pool;
    this.biasKeys = biasKeys;
  }

  /**
   * @param q the normed queries [B, N, C], N = grid * grid
   * @param kMem keys of F memory frames [B, F*N, kv_in] (memory plus position encoding)
   * @param vMem their values [B, F*N, kv_in]
   * @param kExtra object-pointer keys [B, P, kv_in], P possibly 0; {@code vExtra} their values
   * @return [B, N, C]
   */
  @Override
  public Value crossAttention(Value q, Value kMem, Value vMem, Value kExtra, Value vExtra) {
    GraphBuilder g = nn.g;
    int d = nn.param(prefix + ".q_proj", "weight").dim(0) / numHeads;
    long nq = (long) grid * grid;
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      AxialRotary.Tables table = new AxialRotary.Tables(d, ropeTheta).grid(grid, grid);
      Value qp = table.rotate(g, prefix + ".rope_q", heads(nn.linear(prefix + ".q_proj", q), d));
      Value km = table.rotate(g, prefix + ".rope_k", heads(nn.linear(prefix + ".k_proj", kMem), d));
      Value vm = heads(nn.linear(prefix + ".v_proj", vMem), d);
      Value bias = null;
      if (pool) {
        // memory tokens S = F*N; pooled when S > N: keys [pooled | full] sliced to one of them
        Value len = g.op("Slice", g.op("Shape", km), g.ints(2), g.ints(3), g.ints(0));
        Value pooledLen = g.op("Div", len, g.ints(KERNEL * KERNEL));
        Value pooled = g.node("Cast", g.op("Greater", len, g.ints(nq))).attr("to", 7L).out();
        Value full = g.op("Sub", g.ints(1), pooled);
        Value start = g.op("Mul", full, pooledLen);
        Value end = g.op("Add", start, g.op("Add", g.op("Mul", pooled, pooledLen),
            g.op("Mul", full, len)));
        Value twoLn2 = g.scalar((float) (2 * Math.log(KERNEL)));
        Value kBar = pool(km, d);
        km = select(biasKeys ? nn.add(kBar, twoLn2) : kBar, km, start, end);
        vm = select(pool(vm, d), vm, start, end);
        if (!biasKeys) {
          Value b = g.node("Concat", g.op("Expand", g.floats(new float[] {(float) (2 * Math.log(
              KERNEL))}, 1), pooledLen), g.op("Expand", g.floats(new float[] {0f}, 1), len))
              .attr("axis", 0L).out();
          bias = g.op("Slice", b, start, end, g.ints(0));
        }
      }
      Value ke = heads(nn.linear(prefix + ".k_proj", kExtra), d);
      Value ve = heads(nn.linear(prefix + ".v_proj", vExtra), d);
      Value scale = g.scalar((float) (1 / Math.sqrt(d)));
      if (numHeads == 1 && !g.portable()) {
        return nn.linear(prefix + ".out_proj", fused(qp, km, vm, ke, ve, bias, scale, d));
      }
      Value memLogits = g.op("Mul", nn.matmul(qp, nn.transpose(km, 0, 1, 3, 2)), scale);
      if (bias != null) {
        memLogits = nn.add(memLogits, bias);
      }
      Value extraLogits = g.op("Mul", nn.matmul(qp, nn.transpose(ke, 0, 1, 3, 2)), scale);
      Value logits = g.node("Concat", memLogits, extraLogits).attr("axis", -1L).out();
      Value values = g.node("Concat", vm, ve).attr("axis", 2L).out();
      Value out = nn.matmul(nn.softmax(logits), values);
      out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, 0, numHeads * d);
      return nn.linear(prefix + ".out_proj", out);
    }
  }

  /**
   * One head through ONNX Runtime's {@code MultiHeadAttention} (flash attention on the CPU: the
   * [N, L] probabilities are never held). The logit bias of the pooled keys rides on one more
   * channel: {@code q' = [q, 1]}, {@code k' = [k, bias / scale]} (0 for pointer keys), so that
   * {@code q' k'^T scale = q k^T scale + bias}.
   */
  private Value fused(Value qp, Value km, Value vm, Value ke, Value ve, Value bias, Value scale,
      int d) {
    GraphBuilder g = nn.g;
    Value q3 = nn.reshape(qp, 0, -1, d);
    Value k3 = nn.reshape(km, 0, -1, d);
    Value ke3 = nn.reshape(ke, 0, -1, d);
    Value values = g.node("Concat", nn.reshape(vm, 0, -1, d), nn.reshape(ve, 0, -1, d))
        .attr("axis", 1L).out();
    if (bias != null) {
      Value col = nn.add(nn.mul(nn.slice(k3, 2, 0, 1), g.scalar(0f)),
          nn.reshape(g.op("Div", bias, scale), -1, 1));
      k3 = g.node("Concat", k3, col).attr("axis", 2L).out();
      ke3 = g.op("Pad", ke3, g.ints(0, 0, 0, 0, 0, 1), g.scalar(0f));
      q3 = g.op("Pad", q3, g.ints(0, 0, 0, 0, 0, 1), g.scalar(1f));
    }
    Value keys = g.node("Concat", k3, ke3).attr("axis", 1L).out();
    return g.node("MultiHeadAttention", q3, keys, values).domain("com.microsoft")
        .attr("num_heads", 1L).attr("scale", (float) (1 / Math.sqrt(d))).out();
  }

  /** {@code cat([a, b], tokens)[start:end]}. */
  private Value select(Value a, Value b, Value start, Value end) {
    Value both = nn.g.node("Concat", a, b).attr("axis", 2L).out();
    return nn.g.op("Slice", both, start, end, nn.g.ints(2));
  }

  /** [B, heads, F*N, d] to [B, heads, F*N/4, d]: 2x2 average per frame on the grid. */
  private Value pool(Value x, int d) {
    GraphBuilder g = nn.g;
    long nq = (long) grid * grid;
    Value maps = nn.reshape(nn.transpose(nn.reshape(x, -1, nq, d), 0, 2, 1), -1, d, grid, grid);
    Value pooled = g.node("AveragePool", maps).attrInts("kernel_shape", KERNEL, KERNEL)
        .attrInts("strides", KERNEL, KERNEL).out();
    Value rows = nn.transpose(nn.reshape(pooled, -1, d, nq / (KERNEL * KERNEL)), 0, 2, 1);
    Value lead = g.op("Slice", g.op("Shape", x), g.ints(0), g.ints(2), g.ints(0));
    return g.op("Reshape", rows, g.node("Concat", lead, g.ints(-1, d)).attr("axis", 0L).out());
  }

  private Value heads(Value x, int d) {
    return nn.transpose(nn.reshape(x, 0, 0, numHeads, d), 0, 2, 1, 3);
  }
}
