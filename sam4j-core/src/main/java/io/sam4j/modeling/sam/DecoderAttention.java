package io.sam4j.modeling.sam;

import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * The mask decoder's {@code Attention} (projections to {@code internal_dim}, heads,
 * {@code softmax(q k^T / sqrt(c)) v}, output projection), in the reference's form for small inputs
 * and in two algebraically equal, cheaper forms for the attentions between a few prompt tokens and
 * the 4096 image tokens of every prompt:
 *
 * <ul>
 *   <li>token to image: instead of projecting all image tokens to keys and values, each head's
 *       query is mapped back through the key projection ({@code (q Wk_h) x^T}; the key bias adds
 *       the same value to a whole softmax row and cancels), the softmax weights average the image
 *       tokens, and only that average goes through the value projection (weights sum to one);</li>
 *   <li>image to token: the query projection is folded into the few keys
 *       ({@code x (Wq_h^T k_h^T) + bq_h k_h^T}) and the output projection into the few values
 *       ({@code p_h (v_h Wo_h^T)}).</li>
 * </ul>
 * Per prompt this halves the work on image tokens; results agree with the reference to float
 * rounding. The image-to-token scores are laid out with the tokens as rows ([B, H, T, N]), so that
 * the softmax over each head's few tokens runs along the image tokens. Where the image tokens are the same for every prompt (the first block), their query
 * projection is computed once per image instead ({@link #imageToTokenProjected}).
 */
final class DecoderAttention {
  private final Layers nn;
  private final int numHeads;
  /** The number of image tokens N. */
  private final long hw;

  DecoderAttention(Layers nn, int numHeads, long hw) {
    this.nn = nn;
    this.numHeads = numHeads;
    this.hw = hw;
  }

  private int internal(String a) {
    return nn.param(a + ".q_proj", "weight").dim(0);
  }

  /** The reference form, for any q [B, Nq, D], k and v [B or 1, Nk, D]. */
  Value standard(String a, Value q, Value k, Value v) {
    Value[] kv = projectKeysValues(a, k, v);
    return attend(a, q, kv[0], kv[1]);
  }

  /** The key and value projections, split into heads: {[B, H, Nk, c], [B, H, Nk, c]}. */
  Value[] projectKeysValues(String a, Value k, Value v) {
    int c = internal(a) / numHeads;
    return new Value[] {heads(nn.linear(a + ".k_proj", k), c), heads(nn.linear(a + ".v_proj", v), c)};
  }

  /** The rest of the reference form, given projected keys and values (possibly precomputed). */
  Value attend(String a, Value q, Value kp, Value vp) {
    int internal = internal(a);
    int c = internal / numHeads;
    Value qp = projectQueries(a, q);
    Value attn = nn.matmul(qp, nn.transpose(kp, 0, 1, 3, 2));
    attn = nn.g.op("Div", attn, nn.g.scalar((float) Math.sqrt(c)));
    attn = nn.softmax(attn);
    Value out = nn.matmul(attn, vp);
    out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, -1, internal);
    return nn.linear(a + ".out_proj", out);
  }

  /**
   * Token-to-image attention with per-prompt image tokens.
   *
   * @param q prompt tokens [B, T, D]
   * @param k image tokens plus positional encoding [B, N, D]
   * @param v image tokens [B, N, D]
   */
  Value tokenToImage(String a, Value q, Value k, Value v) {
    int internal = internal(a);
    int c = internal / numHeads;
    Tensor wk = nn.param(a + ".k_proj", "weight");
    int d = wk.dim(1);
    // per head: (q_h Wk_h) [B, H, T, D] -> [B, H*T, D]
    Value qh = heads(nn.linear(a + ".q_proj", q), c);
    Value wkHeads = nn.g.weight(a + ".k_proj.weight.heads", wk.toFloatArray(), numHeads, c, d);
    Value qk = nn.reshape(nn.matmul(qh, wkHeads), 0, -1, d);
    Value scores = nn.g.node("MatMul", qk, nn.transpose(k, 0, 2, 1)).out();
    scores = nn.g.op("Div", scores, nn.g.scalar((float) Math.sqrt(c)));
    Value p = nn.softmax(scores);
    // average the image tokens, then project: [B, H*T, D] -> [B, H, T, D] @ Wv_h^T [H, D, c]
    Value avg = nn.reshape(nn.matmul(p, v), 0, numHeads, -1, d);
    Tensor wv = nn.param(a + ".v_proj", "weight");
    Value wvT = nn.g.lazyWeight(a + ".v_proj.weight.heads.T", new long[] {numHeads, d, c},
        () -> headsTransposed(wv.toFloatArray(), numHeads, c, d));
    Value bv = nn.g.weight(a + ".v_proj.bias.heads", nn.param(a + ".v_proj", "bias").toFloatArray(),
        numHeads, 1, c);
    Value out = nn.add(nn.matmul(avg, wvT), bv);
    out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, -1, internal);
    return nn.linear(a + ".out_proj", out);
  }

  /**
   * Image-to-token attention.
   *
   * @param q image tokens plus positional encoding [B or 1, N, D]
   * @param k prompt tokens plus their encoding [B, T, D]
   * @param v prompt tokens [B, T, D]
   * @return [B, N, D], without the output projection's bias ({@link #outputBias})
   */
  Value imageToToken(String a, Value q, Value k, Value v) {
    int internal = internal(a);
    int c = internal / numHeads;
    Tensor wq = nn.param(a + ".q_proj", "weight");
    int d = wq.dim(1);
    Value[] kv = projectKeysValues(a, k, v);
    // the keys scaled by 1/sqrt(c) here, on T x c values, instead of the scores
    Value kh = nn.mul(kv[0], nn.g.scalar((float) (1 / Math.sqrt(c))));
    // keys folded with the query projection: (k_h Wq_h) [B, H, T, D]; bias term bq_h . k_h [B, H, T]
    Value wqHeads = nn.g.weight(a + ".q_proj.weight.heads", wq.toFloatArray(), numHeads, c, d);
    Value g = nn.reshape(nn.matmul(kh, wqHeads), 0, -1, d);
    Value bq = nn.g.weight(a + ".q_proj.bias.heads", nn.param(a + ".q_proj", "bias").toFloatArray(),
        numHeads, c, 1);
    // scores with the tokens as rows, [B, H, T, N]: the softmax over each head's T tokens then
    // runs along rows of N values (see softmaxOverTokens)
    Value scores = nn.g.node("MatMul", g, nn.transpose(q, 0, 2, 1)).out();
    scores = nn.add(nn.reshape(scores, 0, numHeads, -1, hw), nn.matmul(kh, bq));
    return attendTokensMajor(a, scores, kv[1], c);
  }

  /**
   * The rest of the image-to-token forms, from scores laid out [B, H, T, N]: the softmax over each
   * head's T tokens, then {@code p^T (v_h Wo_h^T)} as one product that reads p transposed.
   */
  private Value attendTokensMajor(String a, Value scores, Value vh, int c) {
    Value p = nn.reshape(softmaxOverTokens(scores), 0, -1, hw);
    return nn.matmul(nn.transpose(p, 0, 2, 1), foldedValues(a, vh, c));
  }

  /**
   * Softmax over axis 2 of [B, H, T, N], written out (max, exp, sum, divide): each step runs along
   * the N image tokens, where ONNX Runtime's {@code Softmax} over the last axis of [B, N, H, T]
   * handles 32,768 rows of 7 values one by one, and a transpose would be needed besides.
   */
  private Value softmaxOverTokens(Value x) {
    Value max = nn.g.node("ReduceMax", x).attrInts("axes", 2L).attr("keepdims", 1L).out();
    Value e = nn.g.op("Exp", nn.g.op("Sub", x, max));
    Value sum = nn.g.node("ReduceSum", e, nn.g.ints(2)).attr("keepdims", 1L).out();
    return nn.g.op("Div", e, sum);
  }

  /** The query projection split into heads: [B, H, N, c]. */
  Value projectQueries(String a, Value q) {
    return heads(nn.linear(a + ".q_proj", q), internal(a) / numHeads);
  }

  /**
   * The image tokens' queries of an image-to-token attention, computed once per image for
   * {@link #imageToTokenProjected}: projected, split into heads, scaled by 1/sqrt(c) and
   * transposed, [1, H, c, N].
   */
  Value projectImageQueries(String a, Value q) {
    Value qp = projectQueries(a, q);
    int c = internal(a) / numHeads;
    return nn.mul(nn.transpose(qp, 0, 1, 3, 2), nn.g.scalar((float) (1 / Math.sqrt(c))));
  }

  /**
   * Image-to-token attention whose image-side queries are already projected (they are the same
   * for every prompt in the first block): scores {@code qp_h k_h^T} cost N x c per token instead
   * of N x D; the values are folded with the output projection as in {@link #imageToToken}.
   *
   * @param qp projected image queries, scaled and transposed [1, H, c, N], see
   *     {@link #projectImageQueries}
   * @param k prompt tokens plus their encoding [B, T, D]
   * @param v prompt tokens [B, T, D]
   * @return [B, N, D], without the output projection's bias ({@link #outputBias})
   */
  Value imageToTokenProjected(String a, Value qp, Value k, Value v) {
    int c = internal(a) / numHeads;
    Value[] kv = projectKeysValues(a, k, v);
    // [B, H, T, c] @ [1, H, c, N]: scores with the tokens as rows
    return attendTokensMajor(a, nn.matmul(kv[0], qp), kv[1], c);
  }

  /** The output projection's bias, which the image-to-token forms leave to the caller. */
  Value outputBias(String a) {
    return nn.weight(a + ".out_proj.bias");
  }

  /** Per-head values through the output projection: (v_h Wo_h^T) as [B, H*T, D]. */
  private Value foldedValues(String a, Value vh, int c) {
    Tensor wo = nn.param(a + ".out_proj", "weight");
    int d = wo.dim(0);
    Value woT = nn.g.lazyWeight(a + ".out_proj.weight.heads.T", new long[] {numHeads, c, d},
        () -> outProjHeads(wo.toFloatArray(), numHeads, c, d));
    return nn.reshape(nn.matmul(vh, woT), 0, -1, d);
  }

  /** {@code _separate_heads}: [B, N, C] to [B, heads, N, C/heads]. */
  private Value heads(Value x, int perHead) {
    return nn.transpose(nn.reshape(x, 0, -1, numHeads, perHead), 0, 2, 1, 3);
  }

  /** W [H*c, D] to per-head transposes [H, D, c]. */
  static float[] headsTransposed(float[] w, int heads, int c, int d) {
    float[] out = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < c; i++) {
        for (int j = 0; j < d; j++) {
          out[(h * d + j) * c + i] = w[(h * c + i) * d + j];
        }
      }
    }
    return out;
  }

  /** Wo [D, H*c] to per-head blocks Wo_h^T [H, c, D]. */
  static float[] outProjHeads(float[] wo, int heads, int c, int d) {
    float[] out = new float[wo.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < c; i++) {
        for (int j = 0; j < d; j++) {
          out[(h * c + i) * d + j] = wo[j * heads * c + h * c + i];
        }
      }
    }
    return out;
  }
}
