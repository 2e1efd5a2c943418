package io.sam4j.modeling.sam2;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.config.HieraSpec;

/**
 * Hiera's {@code MultiScaleBlock} and its {@code MultiScaleAttention} on [1, H, W, C] tokens:
 * pre-norm attention inside windows (padded to a multiple of the window, padding removed after) or
 * over the whole grid, optionally with 2x2 max-pooled queries and a projected, pooled shortcut at a
 * stage change; then a residual 2-layer GELU MLP.
 */
final class MultiScaleBlock {
  private final Layers nn;
  private final GraphBuilder g;
  private final String p;
  private final HieraSpec.Block spec;
  private final boolean fused;

  /**
   * @param fused whether attention without q-pooling may be ONNX Runtime's fused {@code Attention}
   *     operator (float32 graphs for ONNX Runtime)
   */
  MultiScaleBlock(Layers nn, String prefix, HieraSpec.Block spec, boolean fused) {
    this.nn = nn;
    this.g = nn.g;
    this.p = prefix;
    this.spec = spec;
    this.fused = fused;
  }

  /** Output side after this block for an input side (halved by q-pooling). */
  int outSide(int side) {
    return spec.qStride() ? side / 2 : side;
  }

  /** The block on [1, side, side, dim]; returns [1, outSide, outSide, dimOut]. */
  Value build(Value x, int side) {
    int dimOut = spec.dimOut();
    Value shortcut = x;
    Value h = nn.layerNorm(p + ".norm1", x, 1e-6f);
    if (spec.dim() != dimOut) {
      shortcut = nn.linear(p + ".proj", h);
      if (spec.qStride()) {
        shortcut = maxPool(shortcut, 1, side, side, dimOut);
      }
    }
    int window = spec.windowSize();
    int out = outSide(side);
    if (window > 0) {
      int padded = (side + window - 1) / window * window;
      int nw = padded / window;
      if (padded != side) {
        int pad = padded - side;
        h = g.op("Pad", h, g.ints(0, 0, 0, 0, 0, pad, pad, 0));
      }
      h = nn.reshape(h, 1, nw, window, nw, window, spec.dim());
      h = nn.transpose(h, 0, 1, 3, 2, 4, 5);
      h = nn.reshape(h, (long) nw * nw, window, window, spec.dim());
      h = attention(h, nw * nw, window);
      int w2 = spec.qStride() ? window / 2 : window;
      h = nn.reshape(h, 1, nw, nw, w2, w2, dimOut);
      h = nn.transpose(h, 0, 1, 3, 2, 4, 5);
      h = nn.reshape(h, 1, (long) nw * w2, (long) nw * w2, dimOut);
      if (nw * w2 != out) {
        h = g.op("Slice", h, g.ints(0, 0), g.ints(out, out), g.ints(1, 2));
      }
    } else {
      h = attention(h, 1, side);
    }
    x = nn.add(shortcut, h);
    Value m = nn.layerNorm(p + ".norm2", x, 1e-6f);
    m = nn.linear(p + ".mlp.layers.1", nn.gelu(nn.linear(p + ".mlp.layers.0", m)));
    return nn.add(x, m);
  }

  /**
   * {@code MultiScaleAttention} on [batch, size, size, dim] windows: one qkv projection, queries
   * max-pooled 2x2 when the block pools, {@code softmax(q k^T / sqrt(hd)) v}, output projection.
   */
  private Value attention(Value x, int batch, int size) {
    int dimOut = spec.dimOut();
    int heads = spec.numHeads();
    int hd = dimOut / heads;
    if (fused && !spec.qStride()) {
      return nn.linear(p + ".attn.proj", fusedAttention(x, batch, size));
    }
    Value qkv = nn.linear(p + ".attn.qkv", x);
    Value[] parts = g.node("Split", qkv, g.ints(dimOut, dimOut, dimOut)).attr("axis", -1L).outs(3);
    Value q = parts[0];
    int qSide = size;
    if (spec.qStride()) {
      q = maxPool(q, batch, size, size, dimOut);
      qSide = size / 2;
    }
    long n = (long) size * size;
    long nq = (long) qSide * qSide;
    q = nn.transpose(nn.reshape(q, batch, nq, heads, hd), 0, 2, 1, 3);
    Value kT = nn.transpose(nn.reshape(parts[1], batch, n, heads, hd), 0, 2, 3, 1);
    Value v = nn.transpose(nn.reshape(parts[2], batch, n, heads, hd), 0, 2, 1, 3);
    float scale = (float) (1.0 / Math.sqrt(hd));
    Value attn = nn.softmax(nn.matmul(nn.mul(q, g.scalar(scale)), kT));
    Value o = nn.matmul(attn, v);
    o = nn.reshape(nn.transpose(o, 0, 2, 1, 3), batch, qSide, qSide, dimOut);
    return nn.linear(p + ".attn.proj", o);
  }

  /**
   * ONNX Runtime's {@code Attention} (com.microsoft) over [batch, size * size, dim]: the qkv
   * projection, scaled products, softmax and heads in one kernel. Hiera's qkv rows are already
   * [q of every head, k..., v...], the order it wants.
   */
  private Value fusedAttention(Value x, int batch, int size) {
    String key = p + ".attn.qkv";
    io.sam4j.checkpoint.Tensor w = nn.sd.get(key + ".weight");
    int in = spec.dim();
    int out = 3 * spec.dimOut();
    Value wt = g.lazyWeight(key + ".weight.T", new long[] {in, out},
        () -> Layers.transpose2d(w.toFloatArray(), out, in));
    Value rows = nn.reshape(x, batch, (long) size * size, in);
    Value o = g.node("Attention", rows, wt, nn.weight(key + ".bias"))
        .domain("com.microsoft").attr("num_heads", (long) spec.numHeads()).out();
    return nn.reshape(o, batch, size, size, spec.dimOut());
  }

  /**
   * {@code nn.MaxPool2d(2, 2)} (floor mode) on [batch, h, w, c] channels-last, as a max over the
   * 2x2 cells of a reshape.
   */
  private Value maxPool(Value x, int batch, int h, int w, int c) {
    if (h % 2 != 0 || w % 2 != 0) {
      x = g.op("Slice", x, g.ints(0, 0), g.ints(h / 2 * 2, w / 2 * 2), g.ints(1, 2));
    }
    Value r = nn.reshape(x, batch, h / 2, 2, w / 2, 2, c);
    return g.node("ReduceMax", r).attrInts("axes", 2, 4).attr("keepdims", 0L).out();
  }
}
