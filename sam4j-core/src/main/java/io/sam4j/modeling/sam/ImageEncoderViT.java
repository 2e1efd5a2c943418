package io.sam4j.modeling.sam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.ImageEncoder;
import io.sam4j.modeling.Int8Linear;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.Map;

/**
 * SAM's {@code ImageEncoderViT}: 16x16 patch embedding, absolute position embedding, transformer
 * blocks with windowed (padded) or global attention and decomposed relative positions, and the
 * convolutional neck. Keys live under {@code image_encoder.}.
 */
public final class ImageEncoderViT implements ImageEncoder {
  private static final String P = "image_encoder";
  private final StateDict sd;
  private final ModelSpec.VitSpec spec;
  private final Precision precision;

  public ImageEncoderViT(StateDict sd, ModelSpec.VitSpec spec, Precision precision) {
    this.sd = sd;
    this.spec = spec;
    this.precision = precision;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public Value build(GraphBuilder g, Value image, Map<String, Value> taps) {
    Layers nn = new Layers(g, sd, precision);
    int grid = spec.imgSize() / spec.patchSize();
    Value x;
    try (GraphBuilder.Scope s = g.scope(P + ".patch_embed")) {
      Value c = nn.conv2d(P + ".patch_embed.proj", image, spec.patchSize(), 0, 1);
      x = nn.transpose(c, 0, 2, 3, 1);
    }
    taps.put(P + ".patch_embed", x);
    if (sd.has(P + ".pos_embed")) {
      x = nn.add(x, nn.weight(P + ".pos_embed"));
    }
    for (int i = 0; i < spec.depth(); i++) {
      String b = P + ".blocks." + i;
      try (GraphBuilder.Scope s = g.scope(b)) {
        int window = spec.globalAttnIndexes().contains(i) ? 0 : spec.windowSize();
        x = block(nn, b, x, grid, window);
      }
      taps.put(b, x);
    }
    try (GraphBuilder.Scope s = g.scope(P + ".neck")) {
      Value n = nn.transpose(x, 0, 3, 1, 2);
      x = nn.neck(P + ".neck", n);
    }
    taps.put(P + ".neck", x);
    return x;
  }

  /** {@code Block}: pre-norm attention (windowed when {@code window > 0}) and MLP, both residual. */
  private Value block(Layers nn, String b, Value x, int grid, int window) {
    int dim = spec.embedDim();
    Value shortcut = x;
    Value h = nn.layerNorm(b + ".norm1", x, 1e-6f);
    if (window > 0) {
      int padded = (grid + window - 1) / window * window;
      int nw = padded / window;
      if (padded != grid) {
        int p = padded - grid;
        h = nn.g.op("Pad", h, nn.g.ints(0, 0, 0, 0, 0, p, p, 0));
      }
      h = nn.reshape(h, 1, nw, window, nw, window, dim);
      h = nn.transpose(h, 0, 1, 3, 2, 4, 5);
      h = nn.reshape(h, (long) nw * nw, window, window, dim);
      h = attention(nn, b + ".attn", h, nw * nw, window);
      h = nn.reshape(h, 1, nw, nw, window, window, dim);
      h = nn.transpose(h, 0, 1, 3, 2, 4, 5);
      h = nn.reshape(h, 1, padded, padded, dim);
      if (padded != grid) {
        h = nn.g.op("Slice", h, nn.g.ints(0, 0), nn.g.ints(grid, grid), nn.g.ints(1, 2));
      }
    } else {
      h = attention(nn, b + ".attn", h, 1, grid);
    }
    x = nn.add(shortcut, h);
    Value m = nn.layerNorm(b + ".norm2", x, 1e-6f);
    m = nn.linear(b + ".mlp.lin2", nn.gelu(nn.linear(b + ".mlp.lin1", m)));
    return nn.add(x, m);
  }

  /**
   * {@code Attention} over [batch, size, size, dim] tokens with decomposed relative positions:
   * {@code softmax((q*scale) k^T + rel_h + rel_w) v}.
   */
  private Value attention(Layers nn, String a, Value x, int batch, int size) {
    int dim = spec.embedDim();
    int heads = spec.numHeads();
    int hd = dim / heads;
    long bh = (long) batch * heads;
    long n = (long) size * size;
    Value qkv = nn.linear(a + ".qkv", x);
    qkv = nn.reshape(qkv, batch, n, 3, heads, hd);
    qkv = nn.transpose(qkv, 2, 0, 3, 1, 4);
    qkv = nn.reshape(qkv, 3, bh, n, hd);
    Value[] parts = nn.g.node("Split", qkv, nn.g.ints(1, 1, 1)).attr("axis", 0L).outs(3);
    Value q = nn.g.op("Squeeze", parts[0], nn.g.ints(0));
    Value k = nn.g.op("Squeeze", parts[1], nn.g.ints(0));
    Value v = nn.g.op("Squeeze", parts[2], nn.g.ints(0));
    float scale = (float) Math.pow(hd, -0.5);
    Value qs = nn.mul(q, nn.g.scalar(scale));
    Value kT = nn.transpose(k, 0, 2, 1);
    Value attn = precision == Precision.INT8 ? Int8Linear.logits(nn, qs, kT) : nn.matmul(qs, kT);
    if (sd.has(a + ".rel_pos_h")) {
      attn = addDecomposedRelPos(nn, a, attn, q, bh, size, hd);
    }
    attn = nn.softmax(attn);
    Value o = nn.matmul(attn, v);
    o = nn.reshape(o, batch, heads, size, size, hd);
    o = nn.transpose(o, 0, 2, 3, 1, 4);
    o = nn.reshape(o, batch, size, size, dim);
    return nn.linear(a + ".proj", o);
  }

  /**
   * {@code add_decomposed_rel_pos}: {@code rel_h[b,h,w,k] = sum_c q[b,h,w,c] Rh[h,k,c]} and the same
   * along width, as batched MatMuls against the gathered tables (constants built here).
   */
  private Value addDecomposedRelPos(Layers nn, String a, Value attn, Value q, long bh, int size,
      int hd) {
    Value rhT = nn.g.weight(a + ".Rh.T", relPosTable(sd.get(a + ".rel_pos_h"), size, hd),
        size, hd, size);
    Value rwT = nn.g.weight(a + ".Rw.T", relPosTable(sd.get(a + ".rel_pos_w"), size, hd),
        size, hd, size);
    Value rq = nn.reshape(q, bh, size, size, hd);
    Value relH = nn.matmul(rq, rhT);
    Value relW = nn.matmul(nn.transpose(rq, 0, 2, 1, 3), rwT);
    relW = nn.transpose(relW, 0, 2, 1, 3);
    Value at = nn.reshape(attn, bh, size, size, size, size);
    at = nn.add(at, nn.g.op("Unsqueeze", relH, nn.g.ints(4)));
    at = nn.add(at, nn.g.op("Unsqueeze", relW, nn.g.ints(3)));
    return nn.reshape(at, bh, (long) size * size, (long) size * size);
  }

  /**
   * {@code get_rel_pos} for equal query and key sizes, laid out as [q, c, k]:
   * {@code T[q][c][k] = rel_pos[q - k + size - 1][c]}.
   */
  static float[] relPosTable(Tensor relPos, int size, int hd) {
    int expected = 2 * size - 1;
    if (relPos.dim(0) != expected || relPos.dim(1) != hd) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.UNSUPPORTED_MODEL,
          "relative position table has shape " + java.util.Arrays.toString(relPos.shape())
              + " but [" + expected + ", " + hd + "] is needed for size " + size);
    }
    float[] rp = relPos.toFloatArray();
    float[] t = new float[size * hd * size];
    for (int qi = 0; qi < size; qi++) {
      for (int ki = 0; ki < size; ki++) {
        int row = qi - ki + size - 1;
        for (int c = 0; c < hd; c++) {
          t[(qi * hd + c) * size + ki] = rp[row * hd + c];
        }
      }
    }
    return t;
  }
}
