package io.sam4j.modeling.efficienttam;

import io.sam4j.SamException;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.TorchBicubic;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.Map;

/**
 * EfficientTAM's trunk, {@code backbones/vitdet.ViT}: a 16x16/16 convolution to [1, H, W, C] tokens,
 * the absolute position embedding (learned on 14x14 plus a class token; the class entry dropped
 * and the grid resized by PyTorch's bicubic, computed here as a constant), then {@code Block}s:
 * pre-norm attention (within 14x14 windows after zero padding, or global; no relative positions)
 * and a GELU MLP, both residual. The output is the last global block's, as [1, C, H, W]. Keys
 * under {@code image_encoder.trunk.}.
 */
final class VitDet {
  static final String P = "image_encoder.trunk";
  private static final float EPS = 1e-6f;
  private final Layers nn;
  private final EfficientTamEncoderSpec spec;
  private final Precision precision;

  VitDet(Layers nn, EfficientTamEncoderSpec spec, Precision precision) {
    this.nn = nn;
    this.spec = spec;
    this.precision = precision;
  }

  /**
   * Adds the trunk.
   *
   * @param image [1, 3, S, S]
   * @param taps receives {@code .patch_embed} and {@code .blocks.N} as [1, H, W, C], and the
   *     trunk's output under {@value #P}
   * @return the last global block's output [1, C, H, W]
   */
  Value build(Value image, Map<String, Value> taps) {
    GraphBuilder g = nn.g;
    int grid = spec.gridSize();
    Value x;
    try (GraphBuilder.Scope s = g.scope(P + ".patch_embed")) {
      Value c = nn.conv2d(P + ".patch_embed.proj", image, spec.patchSize(), 0, 1);
      x = nn.transpose(c, 0, 2, 3, 1);
    }
    taps.put(P + ".patch_embed", x);
    x = nn.add(x, g.weight(P + ".pos_embed.resized", absPos(grid), 1, grid, grid, spec.embedDim()));
    int last = spec.lastGlobalBlock();
    for (int i = 0; i <= last; i++) {
      String b = P + ".blocks." + i;
      try (GraphBuilder.Scope s = g.scope(b)) {
        x = block(b, x, grid, spec.windowed(i) ? spec.windowSize() : 0);
      }
      taps.put(b, x);
    }
    Value out = nn.transpose(x, 0, 3, 1, 2);
    taps.put(P, out);
    return out;
  }

  /**
   * {@code get_abs_pos}: {@code pos_embed} [1, 1 + n*n, C] without its class entry, resized from
   * n x n to the token grid, as [grid, grid, C] values.
   */
  float[] absPos(int grid) {
    Tensor t = nn.sd.get(P + ".pos_embed");
    int c = spec.embedDim();
    int n = spec.pretrainImgSize() / spec.patchSize();
    if (t.rank() != 3 || t.dim(2) != c || (t.dim(1) != n * n + 1 && t.dim(1) != n * n)) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, P + ".pos_embed has shape "
          + java.util.Arrays.toString(t.shape()) + "; [1, " + (n * n + 1) + ", " + c
          + "] expected for pretrain_img_size " + spec.pretrainImgSize());
    }
    float[] all = t.toFloatArray();
    int skip = t.dim(1) - n * n; // the class token, when the checkpoint has one
    if (n == grid) {
      return java.util.Arrays.copyOfRange(all, skip * c, all.length);
    }
    float[] planes = new float[c * n * n]; // [C, n, n]
    for (int p = 0; p < n * n; p++) {
      for (int ch = 0; ch < c; ch++) {
        planes[ch * n * n + p] = all[(skip + p) * c + ch];
      }
    }
    float[] resized = TorchBicubic.resize(planes, c, n, n, grid, grid);
    float[] out = new float[grid * grid * c];
    for (int ch = 0; ch < c; ch++) {
      for (int p = 0; p < grid * grid; p++) {
        out[p * c + ch] = resized[ch * grid * grid + p];
      }
    }
    return out;
  }

  /** {@code Block.forward} on [1, grid, grid, C] tokens; {@code window} 0 means global. */
  private Value block(String b, Value x, int grid, int window) {
    int dim = spec.embedDim();
    Value h = nn.layerNorm(b + ".norm1", x, EPS);
    if (window > 0) {
      int padded = (grid + window - 1) / window * window;
      int nw = padded / window;
      if (padded != grid) {
        int p = padded - grid;
        h = nn.g.op("Pad", h, nn.g.ints(0, 0, 0, 0, 0, p, p, 0));
      }
      h = nn.reshape(h, nw, window, nw, window, dim);
      h = nn.transpose(h, 0, 2, 1, 3, 4);
      h = nn.reshape(h, (long) nw * nw, (long) window * window, dim);
      h = attention(b + ".attn", h, nw * nw, window * window);
      h = nn.reshape(h, nw, nw, window, window, dim);
      h = nn.transpose(h, 0, 2, 1, 3, 4);
      h = nn.reshape(h, 1, padded, padded, dim);
      if (padded != grid) {
        h = nn.g.op("Slice", h, nn.g.ints(0, 0), nn.g.ints(grid, grid), nn.g.ints(1, 2));
      }
    } else {
      h = nn.reshape(h, 1, (long) grid * grid, dim);
      h = nn.reshape(attention(b + ".attn", h, 1, grid * grid), 1, grid, grid, dim);
    }
    x = nn.add(x, h);
    Value m = nn.layerNorm(b + ".norm2", x, EPS);
    m = nn.linear(b + ".mlp.layers.1", nn.gelu(nn.linear(b + ".mlp.layers.0", m)));
    return nn.add(x, m);
  }

  /**
   * {@code Attention} over [batch, n, C] tokens: qkv projection (its rows are [q, k, v], each
   * head-major), {@code softmax(q k^T / sqrt(d)) v} per head, heads concatenated, projection.
   * In float32 graphs for ONNX Runtime, q, k and v are three projections and the products are
   * its {@code MultiHeadAttention} operator, whose CPU kernel is a flash attention that never
   * holds the [heads, n, n] weights (EfficientTAM-Ti's global blocks: 200 MB each); int8 and
   * portable graphs spell it out.
   */
  private Value attention(String a, Value x, int batch, int n) {
    int dim = spec.embedDim();
    int heads = spec.numHeads();
    Value o;
    if (precision == Precision.FP32 && !nn.g.portable()) {
      o = nn.g.node("MultiHeadAttention", project(a, x, 0), project(a, x, 1), project(a, x, 2))
          .domain("com.microsoft").attr("num_heads", (long) heads).out();
    } else {
      o = attentionNodes(a, x, batch, n);
    }
    return nn.linear(a + ".proj", o);
  }

  /** {@code part} (0 = q, 1 = k, 2 = v) of the {@code qkv} projection: its rows part*C..(part+1)*C. */
  private Value project(String a, Value x, int part) {
    int dim = spec.embedDim();
    Tensor w = nn.sd.get(a + ".qkv.weight", 3L * dim, dim);
    Value wt = nn.g.lazyWeight(a + ".qkv.weight.T." + part, new long[] {dim, dim},
        () -> Layers.transpose2d(java.util.Arrays.copyOfRange(w.toFloatArray(), part * dim * dim,
            (part + 1) * dim * dim), dim, dim));
    float[] b = java.util.Arrays.copyOfRange(nn.sd.get(a + ".qkv.bias").toFloatArray(), part * dim,
        (part + 1) * dim);
    return nn.add(nn.matmul(x, wt), nn.g.weight(a + ".qkv.bias." + part, b, dim));
  }

  /** The attention as standard nodes, in the reference's order of operations. */
  private Value attentionNodes(String a, Value x, int batch, int n) {
    int dim = spec.embedDim();
    int heads = spec.numHeads();
    int hd = dim / heads;
    Value qkv = nn.reshape(nn.linear(a + ".qkv", x), batch, n, 3, heads, hd);
    qkv = nn.transpose(qkv, 2, 0, 3, 1, 4);
    Value[] parts = nn.g.node("Split", qkv, nn.g.ints(1, 1, 1)).attr("axis", 0L).outs(3);
    Value q = nn.g.op("Squeeze", parts[0], nn.g.ints(0));
    Value k = nn.g.op("Squeeze", parts[1], nn.g.ints(0));
    Value v = nn.g.op("Squeeze", parts[2], nn.g.ints(0));
    Value qs = nn.mul(q, nn.g.scalar((float) Math.pow(hd, -0.5)));
    Value attn = nn.softmax(nn.matmul(qs, nn.transpose(k, 0, 1, 3, 2)));
    Value o = nn.transpose(nn.matmul(attn, v), 0, 2, 1, 3);
    return nn.reshape(o, batch, n, dim);
  }
}
