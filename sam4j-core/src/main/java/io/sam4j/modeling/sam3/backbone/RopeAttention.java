package io.sam4j.modeling.sam3.backbone;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;

/**
 * {@code vitdet.Attention} with 2-D RoPE and no relative position table: {@code qkv} (rows q, k, v,
 * each head-major), q and k rotated by {@link AxialRope}, {@code softmax(q k^T / sqrt(d)) v} per
 * head, heads concatenated, {@code proj} ({@link #build} in standard operators, {@link #fused} in
 * ONNX Runtime's). A windowed block's table covers its window grid at scale 1; a global block's
 * the whole token grid at {@code scale_pos = window / grid} (with {@code use_interp_rope}; the RoPE
 * pretraining size when one is given).
 */
public final class RopeAttention {
  private final Layers nn;
  private final Sam3Spec.Vit spec;
  private final String a;
  private final int side;
  private final AxialRope rope;

  /**
   * @param prefix the module's keys ({@code ...blocks.N.attn})
   * @param windowed whether the block attends within windows
   */
  public RopeAttention(Layers nn, Sam3Spec.Vit spec, String prefix, boolean windowed) {
    this.nn = nn;
    this.spec = spec;
    this.a = prefix;
    this.side = windowed ? spec.windowSize() : spec.gridSize();
    this.rope = AxialRope.of(nn.sd, prefix + ".freqs_cis", spec.headDim(), side,
        spec.ropeTheta(), scalePos(spec, side));
  }

  /** {@code scale_pos} of a table over {@code side x side} tokens. */
  public static double scalePos(Sam3Spec.Vit spec, int side) {
    if (!spec.useInterpRope()) {
      return 1.0;
    }
    int pt = spec.ropePtSize() > 0 ? spec.ropePtSize() : spec.windowSize();
    return (double) pt / side;
  }

  /**
   * The attention output before {@code proj}, in ONNX Runtime's operators and without moving the
   * heads: q, k and v projected from their rows of {@code qkv} (with their biases, so a padded
   * token's are the biases alone), q and k rotated by {@code RotaryEmbedding}, the products in
   * {@code MultiHeadAttention} (whose CPU kernel never holds the [heads, N, N] scores: 1.7 GB per
   * global block at 1008 pixels).
   *
   * @param x [batch, side * side, C] normed tokens (a batch of windows, or the whole grid)
   * @param positions the RoPE table row of each token ({@link AxialRope#rotary})
   * @return [batch, side * side, C], heads concatenated
   */
  public Value fused(Value x, Value positions) {
    int dim = spec.embedDim();
    Value[] qkv = new Value[3];
    for (int part = 0; part < 3; part++) {
      qkv[part] = nn.linearRows(a + ".qkv", a + ".qkv." + "qkv".charAt(part), x, part * dim,
          (part + 1) * dim);
    }
    Value q = rope.rotary(nn, a + ".rope", qkv[0], positions);
    Value k = rope.rotary(nn, a + ".rope", qkv[1], positions);
    return nn.g.node("MultiHeadAttention", q, k, qkv[2]).domain("com.microsoft")
        .attr("num_heads", (long) spec.numHeads()).out();
  }

  /**
   * The attention output after {@code proj} in standard operators (portable graphs), as the
   * reference computes it.
   *
   * @param x [batch, side * side, C] tokens (a batch of windows, or the whole grid)
   * @return [batch, side * side, C]
   */
  public Value build(Value x, int batch) {
    int dim = spec.embedDim();
    int heads = spec.numHeads();
    int hd = spec.headDim();
    long n = (long) side * side;
    Value qkv = nn.reshape(nn.linear(a + ".qkv", x), batch, n, 3, heads, hd);
    qkv = nn.transpose(qkv, 2, 0, 3, 1, 4);
    Value[] parts = nn.g.node("Split", qkv, nn.g.ints(1, 1, 1)).attr("axis", 0L).outs(3);
    Value q = nn.g.op("Squeeze", parts[0], nn.g.ints(0));
    Value k = nn.g.op("Squeeze", parts[1], nn.g.ints(0));
    Value v = nn.g.op("Squeeze", parts[2], nn.g.ints(0));
    q = rope.apply(nn, a + ".rope", q);
    k = rope.apply(nn, a + ".rope", k);
    Value qs = nn.mul(q, nn.g.scalar((float) Math.pow(hd, -0.5)));
    Value attn = nn.softmax(nn.matmul(qs, nn.transpose(k, 0, 1, 3, 2)));
    Value o = nn.transpose(nn.matmul(attn, v), 0, 2, 1, 3);
    return nn.linear(a + ".proj", nn.reshape(o, batch, n, dim));
  }
}
