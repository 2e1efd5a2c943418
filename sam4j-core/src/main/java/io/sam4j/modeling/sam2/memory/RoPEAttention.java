package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * SAM 2's {@code RoPEAttention} ({@code sam2/modeling/sam/transformer.py}): {@code q_proj},
 * {@code k_proj}, {@code v_proj}, heads, 2-D axial rotary encoding of queries and keys, scaled
 * dot-product attention, {@code out_proj}. The rotation ({@code compute_axial_cis},
 * {@code apply_rotary_enc}) turns each pair of adjacent channels (2j, 2j+1) of a head by the angle
 * {@code t_x * f_j} when j &lt; d/4 and
 * {@code t_y * f_(j-d/4)} otherwise, with {@code f_j = 1 / theta^(4j / d)} and token
 * {@code t = t_y * w + t_x}. It is written as {@code x * cos + (x R) * sin}, R the exact
 * pair-swap-and-negate matrix. Keys longer than the queries repeat the rotations once per memory
 * frame ({@code rope_k_repeat}); extra keys (object pointers) are not rotated.
 *
 * <p>When the values are narrower than the internal width ({@code kv_in_dim} 64 against 256 in
 * the official cross-attention), attention times values is computed as
 * {@code (P M) W_v^T + b_v}: equal to {@code P (M W_v^T + b_v)} since each row of P sums to 1,
 * and four times less work.
 */
public final class RoPEAttention implements CrossAttention {
  private final Layers nn;
  private final String prefix;
  private final RopeAttentionSpec spec;
  private final Value cos;
  private final Value sin;
  private final Value rotate;
  private final long gridTokens;

  /**
   * @param gridW width of the query token grid (its height is the token count / gridW)
   */
  public RoPEAttention(Layers nn, String prefix, RopeAttentionSpec spec, int gridW, int gridH) {
    this.nn = nn;
    this.prefix = prefix;
    this.spec = spec;
    int d = spec.headDim();
    float[][] cs = axialCis(d, gridW, gridH, (float) spec.ropeTheta());
    long n = (long) gridW * gridH;
    this.gridTokens = n;
    this.cos = nn.g.weight("rope_cos." + d + "." + gridW + "x" + gridH, cs[0], n, d);
    this.sin = nn.g.weight("rope_sin." + d + "." + gridW + "x" + gridH, cs[1], n, d);
    float[] r = new float[d * d];
    for (int j = 0; j < d / 2; j++) {
      r[(2 * j + 1) * d + 2 * j] = -1f;
      r[(2 * j) * d + 2 * j + 1] = 1f;
    }
    this.rotate = nn.g.weight("rope_pair_rotation." + d, r, d, d);
  }

  /**
   * {@code compute_axial_cis} in float32 as the reference: per token (row-major grid) and channel,
   * the cosine and sine of its pair's angle, each value repeated for both channels of the pair.
   *
   * @return {cos, sin}, each [w * h, dim] row-major
   */
  static float[][] axialCis(int dim, int w, int h, float theta) {
    int q = dim / 4;
    float[] freqs = new float[q];
    for (int j = 0; j < q; j++) {
      float e = (float) (4 * j) / dim;
      freqs[j] = 1f / (float) Math.pow(theta, e);
    }
    float[] c = new float[w * h * dim];
    float[] s = new float[w * h * dim];
    for (int t = 0; t < w * h; t++) {
      float tx = t % w;
      float ty = t / w;
      for (int j = 0; j < dim / 2; j++) {
        float angle = j < q ? tx * freqs[j] : ty * freqs[j - q];
        float cv = (float) Math.cos(angle);
        float sv = (float) Math.sin(angle);
        int at = t * dim + 2 * j;
        c[at] = cv;
        c[at + 1] = cv;
        s[at] = sv;
        s[at + 1] = sv;
      }
    }
    return new float[][] {c, s};
  }

  /**
   * Self-attention: queries and keys over the same grid.
   *
   * @param q queries [1, N, C], {@code k} keys [1, N, C], {@code v} values [1, N, C]
   * @return [1, N, C]
   */
  public Value selfAttention(Value q, Value k, Value v) {
    try (GraphBuilder.Scope s = nn.g.scope(prefix)) {
      if (fused()) {
        Value qr = ropeLinear(prefix + ".q_proj", q, 1);
        Value kr = ropeLinear(prefix + ".k_proj", k, 1);
        Value o = mha(qr, kr, nn.linear(prefix + ".v_proj", v));
        return nn.linear(prefix + ".out_proj", o);
      }
      Value qh = rope(heads(nn.linear(prefix + ".q_proj", q)));
      Value kh = rope(heads(nn.linear(prefix + ".k_proj", k)));
      Value vh = heads(nn.linear(prefix + ".v_proj", v));
      Value p = probabilities(qh, kh);
      return nn.linear(prefix + ".out_proj", merge(nn.matmul(p, vh)));
    }
  }

  /**
   * Cross-attention to memories: the first keys repeat the query grid's rotations once per
   * memory frame, the extra keys (object pointers) are not rotated.
   *
   * @param q queries [1, N, C]
   * @param kMem keys of the memory frames [1, F*N, kv_in] (memory + position encoding)
   * @param vMem values of the memory frames [1, F*N, kv_in]
   * @param kExtra unrotated keys [1, P, kv_in] (P may be 0)
   * @param vExtra their values [1, P, kv_in]
   * @return [1, N, C]
   */
  @Override
  public Value crossAttention(Value q, Value kMem, Value vMem, Value kExtra, Value vExtra) {
    GraphBuilder g = nn.g;
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      if (fused()) {
        return fusedCross(q, kMem, vMem, kExtra, vExtra);
      }
      Value qh = rope(heads(nn.linear(prefix + ".q_proj", q)));
      Value km = heads(nn.linear(prefix + ".k_proj", kMem));
      int d = spec.headDim();
      long h = spec.numHeads();
      // rotate each memory frame's keys with the query grid's table
      Value km5 = nn.reshape(km, 1, h, -1, gridTokens, d);
      Value kmRot = nn.reshape(nn.add(nn.mul(km5, cos), nn.mul(nn.matmul(km5, rotate), sin)),
          1, h, -1, d);
      Value ke = heads(nn.linear(prefix + ".k_proj", kExtra));
      Value keys = g.node("Concat", kmRot, ke).attr("axis", 2L).out();
      Value p = probabilities(qh, keys);
      Value values = g.node("Concat", vMem, vExtra).attr("axis", 1L).out();
      int kvIn = spec.kvInDim();
      Value out;
      if (h * kvIn < spec.internalDim()) {
        // (P M) W_v^T + b_v, per head
        Value pm = nn.matmul(p, nn.g.op("Unsqueeze", values, g.ints(1)));
        out = merge(nn.add(nn.matmul(pm, headWeights(prefix + ".v_proj", kvIn, d)),
            headBias(prefix + ".v_proj", d)));
      } else {
        out = merge(nn.matmul(p, heads(nn.linear(prefix + ".v_proj", values))));
      }
      return nn.linear(prefix + ".out_proj", out);
    }
  }

  /**
   * Whether to use ONNX Runtime's {@code MultiHeadAttention} (a flash attention on the CPU: the
   * [N, F*N] probabilities are never held, 470 MB per layer for SAM 2.1 with a full bank): one
   * head, a graph that may use contributed operators.
   */
  private boolean fused() {
    return !nn.g.portable() && spec.numHeads() == 1;
  }

  /** The cross-attention through {@code MultiHeadAttention}, one head, [1, N, C] layouts. */
  private Value fusedCross(Value q, Value kMem, Value vMem, Value kExtra, Value vExtra) {
    GraphBuilder g = nn.g;
    int d = spec.headDim();
    Value qr = ropeLinear(prefix + ".q_proj", q, 1);
    Value kmRot = ropeLinear(prefix + ".k_proj", kMem, -1);
    Value keys = g.node("Concat", kmRot, nn.linear(prefix + ".k_proj", kExtra)).attr("axis", 1L)
        .out();
    Value values = g.node("Concat", vMem, vExtra).attr("axis", 1L).out();
    if (spec.kvInDim() < spec.internalDim()) {
      // softmax(q k^T) M, then v_proj: (P M) W_v^T + b_v
      return nn.linear(prefix + ".out_proj", nn.linear(prefix + ".v_proj",
          mha(qr, keys, values)));
    }
    return nn.linear(prefix + ".out_proj", mha(qr, keys, nn.linear(prefix + ".v_proj", values)));
  }

  /** {@code softmax(q k^T / sqrt(d)) v} for one head, [1, N, d] x [1, L, d] x [1, L, dv]. */
  private Value mha(Value q, Value k, Value v) {
    return nn.g.node("MultiHeadAttention", q, k, v).domain("com.microsoft")
        .attr("num_heads", 1L).attr("scale", (float) (1.0 / Math.sqrt(spec.headDim()))).out();
  }

  /**
   * {@code rope(linear(x))} for one head, with the pair rotation folded into a second
   * projection: {@code (x W^T + b) R = x W'^T + b'} where row 2j of
   * {@code W'} is minus row 2j+1 of {@code W} and row 2j+1 is row 2j (likewise the bias), an exact
   * signed permutation; for keys 64 wide this is 4x less work than rotating the 256-wide product.
   *
   * @param x [1, frames * N, in]
   * @param frames how many times the keys repeat the grid's rotations (-1: as many as they fill)
   * @return [1, frames * N, d]
   */
  private Value ropeLinear(String p, Value x, long frames) {
    Value y = nn.linear(p, x);
    Tensor w = nn.sd.get(p + ".weight");
    int out = w.dim(0);
    int in = w.dim(1);
    Tensor wr = Tensor.ofFloats(pairRotated(w.toFloatArray(), out, in), out, in);
    Value yr = nn.linearNoBias(p + ".pair_rotated", x, wr);
    if (nn.sd.has(p + ".bias")) {
      yr = nn.add(yr, nn.g.weight(p + ".bias.pair_rotated",
          pairRotated(nn.sd.get(p + ".bias").toFloatArray(), out, 1), out));
    }
    if (frames == 1) {
      return nn.add(nn.mul(y, cos), nn.mul(yr, sin));
    }
    int d = spec.headDim();
    Value y4 = nn.reshape(y, 1, frames, gridTokens, d);
    Value yr4 = nn.reshape(yr, 1, frames, gridTokens, d);
    return nn.reshape(nn.add(nn.mul(y4, cos), nn.mul(yr4, sin)), 1, -1, d);
  }

  /** Rows (2j, 2j+1) of a [rows, cols] matrix to (-row 2j+1, row 2j): {@code R^T M}. */
  static float[] pairRotated(float[] m, int rows, int cols) {
    float[] out = new float[m.length];
    for (int j = 0; j < rows / 2; j++) {
      for (int c = 0; c < cols; c++) {
        out[(2 * j) * cols + c] = -m[(2 * j + 1) * cols + c];
        out[(2 * j + 1) * cols + c] = m[(2 * j) * cols + c];
      }
    }
    return out;
  }

  /** [1, N, h*d] to [1, h, N, d]. */
  private Value heads(Value x) {
    return nn.transpose(nn.reshape(x, 1, -1, spec.numHeads(), spec.headDim()), 0, 2, 1, 3);
  }

  /** [1, h, N, d] to [1, N, h*d]. */
  private Value merge(Value x) {
    return nn.reshape(nn.transpose(x, 0, 2, 1, 3), 1, -1, spec.internalDim());
  }

  private Value rope(Value x) {
    return nn.add(nn.mul(x, cos), nn.mul(nn.matmul(x, rotate), sin));
  }

  /** softmax(q k^T / sqrt(d)). */
  private Value probabilities(Value q, Value k) {
    Value scaled = nn.mul(q, nn.g.scalar((float) (1.0 / Math.sqrt(spec.headDim()))));
    return nn.softmax(nn.matmul(scaled, nn.transpose(k, 0, 1, 3, 2)));
  }

  /** W^T per head: [h, in, d] from the checkpoint's [h*d, in]. */
  private Value headWeights(String p, int in, int d) {
    Tensor w = nn.sd.get(p + ".weight");
    int h = spec.numHeads();
    return nn.g.lazyWeight(p + ".weight.heads", new long[] {h, in, d}, () -> {
      float[] src = w.toFloatArray();
      float[] out = new float[h * in * d];
      for (int hh = 0; hh < h; hh++) {
        for (int i = 0; i < in; i++) {
          for (int j = 0; j < d; j++) {
            out[(hh * in + i) * d + j] = src[(hh * d + j) * in + i];
          }
        }
      }
      return out;
    });
  }

  private Value headBias(String p, int d) {
    return nn.g.weight(p + ".bias.heads", nn.sd.get(p + ".bias").toFloatArray(),
        spec.numHeads(), 1, d);
  }
}
