package io.sam4j.modeling.efficienttam;

import io.sam4j.SamException;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.TorchBicubic;
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

  VitDet(Layers nn, EfficientTamEncoderSpec spec) {
    this.nn = nn;
    this.spec = spec;
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
    boolean fused = !g.portable();
    for (int i = 0; i <= last; i++) {
      String b = P + ".blocks." + i;
      try (GraphBuilder.Scope s = g.scope(b)) {
        int window = spec.windowed(i) ? spec.windowSize() : 0;
        x = fused ? fusedBlock(b, x, grid, window) : block(b, x, grid, window);
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

  /**
   * {@code Block.forward} on [1, grid, grid, C] tokens in standard nodes (portable graphs), in
   * the reference's order; {@code window} 0 means global.
   */
  private Value block(String b, Value x, int grid, int window) {
    int dim = spec.embedDim();
    Value h = nn.layerNorm(b + ".norm1", x, EPS);
    if (window > 0) {
      int padded = paddedSize(grid, window);
      int nw = padded / window;
      h = windows(pad(h, grid, padded), nw, window, dim);
      h = nn.linear(b + ".attn.proj", attentionNodes(b + ".attn", h, nw * nw, window * window));
      h = crop(unwindows(h, nw, window, dim), grid, padded);
    } else {
      h = nn.reshape(h, 1, (long) grid * grid, dim);
      h = nn.linear(b + ".attn.proj", attentionNodes(b + ".attn", h, 1, grid * grid));
      h = nn.reshape(h, 1, grid, grid, dim);
    }
    x = nn.add(x, h);
    Value m = nn.layerNorm(b + ".norm2", x, EPS);
    m = nn.linear(b + ".mlp.layers.1", nn.gelu(nn.linear(b + ".mlp.layers.0", m)));
    return nn.add(x, m);
  }

  /**
   * The same block for ONNX Runtime: q, k and v projected without bias from the unpadded tokens
   * (a padded token's projection is the bias alone, which {@code MultiHeadAttention} adds to
   * every token: the reference's numbers, without projecting the padding), the products in that
   * operator, whose CPU kernel is a flash attention (EfficientTAM-Ti's global blocks never hold
   * their 200 MB of weights), the output projection after the windows are merged and cropped,
   * and the first residual sum with {@code norm2} as one {@code SkipLayerNormalization}. In int8
   * graphs the projections and the MLP are int8, the attention products float32.
   */
  private Value fusedBlock(String b, Value x, int grid, int window) {
    int dim = spec.embedDim();
    String a = b + ".attn";
    Value h = nn.layerNorm(b + ".norm1", x, EPS);
    Value[] qkv = new Value[3];
    for (int part = 0; part < 3; part++) {
      qkv[part] = nn.linearNoBias(a + ".qkv." + "qkv".charAt(part), h, projection(a, part));
    }
    int n = grid * grid;
    int batch = 1;
    if (window > 0) {
      int padded = paddedSize(grid, window);
      int nw = padded / window;
      for (int part = 0; part < 3; part++) {
        qkv[part] = windows(pad(qkv[part], grid, padded), nw, window, dim);
      }
      batch = nw * nw;
      n = window * window;
    } else {
      for (int part = 0; part < 3; part++) {
        qkv[part] = nn.reshape(qkv[part], 1, n, dim);
      }
    }
    Value o = nn.g.node("MultiHeadAttention", qkv[0], qkv[1], qkv[2], nn.weight(a + ".qkv.bias"))
        .domain("com.microsoft").attr("num_heads", (long) spec.numHeads()).out();
    if (window > 0) {
      int padded = paddedSize(grid, window);
      o = crop(unwindows(o, padded / window, window, dim), grid, padded);
    }
    o = nn.reshape(nn.linear(a + ".proj", o), 1, (long) grid * grid, dim);
    Value[] normed = nn.g.node("SkipLayerNormalization", o, nn.reshape(x, 1, (long) grid * grid, dim),
        nn.weight(b + ".norm2.weight"), nn.weight(b + ".norm2.bias")).domain("com.microsoft")
        .attr("epsilon", EPS).outs(4);
    Value sum = normed[3];
    Value m = nn.linear(b + ".mlp.layers.1", nn.gelu(nn.linear(b + ".mlp.layers.0", normed[0])));
    return nn.reshape(nn.add(sum, m), 1, grid, grid, dim);
  }

  private static int paddedSize(int grid, int window) {
    return (grid + window - 1) / window * window;
  }

  /** Zero padding of [1, grid, grid, C] at the bottom and right to [1, padded, padded, C]. */
  private Value pad(Value x, int grid, int padded) {
    int p = padded - grid;
    return p == 0 ? x : nn.g.op("Pad", x, nn.g.ints(0, 0, 0, 0, 0, p, p, 0));
  }

  /** {@code x[:, :grid, :grid, :]}. */
  private Value crop(Value x, int grid, int padded) {
    return padded == grid ? x
        : nn.g.op("Slice", x, nn.g.ints(0, 0), nn.g.ints(grid, grid), nn.g.ints(1, 2));
  }

  /** {@code window_partition}: [1, P, P, C] to [nw * nw, window * window, C], row-major windows. */
  private Value windows(Value x, int nw, int window, int dim) {
    Value h = nn.reshape(x, nw, window, nw, window, dim);
    h = nn.transpose(h, 0, 2, 1, 3, 4);
    return nn.reshape(h, (long) nw * nw, (long) window * window, dim);
  }

  /** {@code window_unpartition} without the crop: back to [1, P, P, C]. */
  private Value unwindows(Value x, int nw, int window, int dim) {
    Value h = nn.reshape(x, nw, nw, window, window, dim);
    h = nn.transpose(h, 0, 2, 1, 3, 4);
    return nn.reshape(h, 1, (long) nw * window, (long) nw * window, dim);
  }

  /** The rows part*C..(part+1)*C of {@code qkv.weight} (0 = q, 1 = k, 2 = v), [C, C]. */
  private Tensor projection(String a, int part) {
    int dim = spec.embedDim();
    float[] w = nn.sd.get(a + ".qkv.weight", 3L * dim, dim).toFloatArray();
    return Tensor.ofFloats(java.util.Arrays.copyOfRange(w, part * dim * dim, (part + 1) * dim * dim),
        dim, dim);
  }

  /**
   * {@code Attention} without its output projection, as standard nodes: qkv projection (rows
   * [q, k, v], each head-major), {@code softmax(q k^T / sqrt(d)) v} per head, heads concatenated.
   */
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
