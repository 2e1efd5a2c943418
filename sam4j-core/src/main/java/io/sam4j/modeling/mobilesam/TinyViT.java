package io.sam4j.modeling.mobilesam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.ImageEncoder;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.HashMap;
import java.util.Map;

/**
 * MobileSAM's {@code TinyViT} image encoder: a convolutional patch embedding, a stage of
 * {@code MBConv} blocks, three stages of windowed attention blocks with learned attention biases and
 * a depthwise local convolution, {@code PatchMerging} between stages, and SAM's neck. Batch norms
 * are folded into their convolutions. Keys live under {@code image_encoder.}.
 */
public final class TinyViT implements ImageEncoder {
  private static final String P = "image_encoder";
  private final StateDict sd;
  private final ModelSpec.TinyVitSpec spec;
  private final Precision precision;

  public TinyViT(StateDict sd, ModelSpec.TinyVitSpec spec, Precision precision) {
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
    int[] dims = spec.embedDims();
    Value x;
    try (GraphBuilder.Scope s = g.scope(P + ".patch_embed")) {
      x = nn.gelu(nn.conv2dBn(P + ".patch_embed.seq.0", image, 2, 1, 1));
      x = nn.conv2dBn(P + ".patch_embed.seq.2", x, 2, 1, 1);
    }
    taps.put(P + ".patch_embed", x);
    int res = spec.imgSize() / 4;
    boolean spatial = true; // layers.0 works on NCHW; the others on [B, L, C] tokens
    for (int i = 0; i < dims.length; i++) {
      String l = P + ".layers." + i;
      try (GraphBuilder.Scope s = g.scope(l)) {
        for (int b = 0; b < spec.depths()[i]; b++) {
          String blk = l + ".blocks." + b;
          x = i == 0 ? mbConv(nn, blk, x) : block(nn, blk, x, dims[i], res, i);
        }
        if (i < dims.length - 1) {
          int out = dims[i + 1];
          int stride = (out == 320 || out == 448 || out == 576) ? 1 : 2;
          x = patchMerging(nn, l + ".downsample", x, spatial, dims[i], res, stride);
          spatial = false;
          res = res / stride;
        }
      }
      taps.put(l, x);
    }
    try (GraphBuilder.Scope s = g.scope(P + ".neck")) {
      int c = dims[dims.length - 1];
      Value n = nn.transpose(nn.reshape(x, 1, res, res, c), 0, 3, 1, 2);
      x = nn.neck(P + ".neck", n);
    }
    taps.put(P + ".neck", x);
    return x;
  }

  /** {@code MBConv}: 1x1 expand, 3x3 depthwise, 1x1 project, residual, GELU after each. */
  private Value mbConv(Layers nn, String b, Value x) {
    Value h = nn.gelu(nn.conv2dBn(b + ".conv1", x, 1, 0, 1));
    int hidden = nn.param(b + ".conv2.c", "weight").dim(0);
    h = nn.gelu(nn.conv2dBn(b + ".conv2", h, 1, 1, hidden));
    h = nn.conv2dBn(b + ".conv3", h, 1, 0, 1);
    return nn.gelu(nn.add(h, x));
  }

  /** {@code PatchMerging}: 1x1, 3x3 depthwise (stride 1 or 2), 1x1; returns [B, L, C] tokens. */
  private Value patchMerging(Layers nn, String m, Value x, boolean spatial, int dim, int res,
      int stride) {
    if (!spatial) {
      x = nn.transpose(nn.reshape(x, 1, res, res, dim), 0, 3, 1, 2);
    }
    Value h = nn.gelu(nn.conv2dBn(m + ".conv1", x, 1, 0, 1));
    int out = nn.param(m + ".conv2.c", "weight").dim(0);
    h = nn.gelu(nn.conv2dBn(m + ".conv2", h, stride, 1, out));
    h = nn.conv2dBn(m + ".conv3", h, 1, 0, 1);
    int r = res / stride;
    // NCHW to tokens as a 4-d transpose, folded into the convolution's output reorder (see block)
    return nn.reshape(nn.transpose(h, 0, 2, 3, 1), 1, (long) r * r, out);
  }

  /** {@code TinyViTBlock}: windowed attention (zero-padded), residual, local conv, MLP. */
  private Value block(Layers nn, String b, Value x, int dim, int res, int stage) {
    int ws = spec.windowSizes()[stage];
    int heads = spec.numHeads()[stage];
    Value h;
    if (res == ws) {
      h = attention(nn, b + ".attn", x, dim, heads, ws);
    } else {
      int padded = (res + ws - 1) / ws * ws;
      int nw = padded / ws;
      h = nn.reshape(x, 1, res, res, dim);
      if (padded != res) {
        int p = padded - res;
        h = nn.g.op("Pad", h, nn.g.ints(0, 0, 0, 0, 0, p, p, 0));
      }
      h = nn.transpose(nn.reshape(h, 1, nw, ws, nw, ws, dim), 0, 1, 3, 2, 4, 5);
      h = nn.reshape(h, (long) nw * nw, (long) ws * ws, dim);
      h = attention(nn, b + ".attn", h, dim, heads, ws);
      h = nn.transpose(nn.reshape(h, 1, nw, nw, ws, ws, dim), 0, 1, 3, 2, 4, 5);
      h = nn.reshape(h, 1, padded, padded, dim);
      if (padded != res) {
        h = nn.g.op("Slice", h, nn.g.ints(0, 0), nn.g.ints(res, res), nn.g.ints(1, 2));
      }
      h = nn.reshape(h, 1, (long) res * res, dim);
    }
    x = nn.add(x, h);
    // tokens to NCHW and back as 4-d NHWC <-> NCHW transposes: ONNX Runtime folds those into the
    // layout reorders around its blocked convolution (a 3-d transpose ran on its own: 20 ms per run)
    Value c = nn.transpose(nn.reshape(x, 1, res, res, dim), 0, 3, 1, 2);
    c = nn.conv2dBn(b + ".local_conv", c, 1, spec.localConvSize() / 2, dim);
    x = nn.reshape(nn.transpose(c, 0, 2, 3, 1), 1, (long) res * res, dim);
    Value m = nn.layerNorm(b + ".mlp.norm", x, 1e-5f);
    m = nn.linear(b + ".mlp.fc2", nn.gelu(nn.linear(b + ".mlp.fc1", m)));
    return nn.add(x, m);
  }

  /**
   * TinyViT's {@code Attention}: LayerNorm, per-head [q, k, v] split, {@code (q k^T) * scale + ab},
   * softmax, projection. {@code ab} is gathered from {@code attention_biases} here. In float32
   * graphs for ONNX Runtime everything between the norm and the projection is its fused
   * {@code Attention} operator; int8 and portable graphs spell it out.
   */
  private Value attention(Layers nn, String a, Value x, int dim, int heads, int ws) {
    int n = ws * ws;
    Value h = nn.layerNorm(a + ".norm", x, 1e-5f);
    Value bias = nn.g.floats(attentionBias(a, heads, ws), 1, heads, n, n);
    Value o;
    if (precision == Precision.FP32 && !nn.g.portable()) {
      o = nn.g.rewriter() == null ? fusedAttention(nn, a, h, dim, heads, bias)
          : rewrittenAttention(nn, a, h, dim, heads, bias);
    } else {
      o = attentionNodes(nn, a, h, dim, heads, n, bias);
    }
    return nn.linear(a + ".proj", o);
  }

  /**
   * ONNX Runtime's {@code Attention} (com.microsoft): one kernel for the qkv projection, the
   * scaled products with the bias, the softmax and the heads' outputs in token order, sparing the
   * split, five transposes and the separate additions (MobileSAM's attention 209 -> 146 ms per
   * run). It wants the projection's outputs as [q of every head, k..., v...], where TinyViT's
   * {@code qkv} has [q, k, v] per head: the columns are reordered here.
   */
  private Value fusedAttention(Layers nn, String a, Value h, int dim, int heads, Value bias) {
    int kd = dim / heads;
    int[] order = new int[3 * dim]; // column of the fused weight -> row of qkv.weight
    for (int hd = 0; hd < heads; hd++) {
      for (int p = 0; p < 3; p++) {
        for (int i = 0; i < kd; i++) {
          order[p * dim + hd * kd + i] = hd * 3 * kd + p * kd + i;
        }
      }
    }
    float[] b = Layers.pickRows(sd.get(a + ".qkv.bias").toFloatArray(), 1, order);
    Tensor w = sd.get(a + ".qkv.weight", 3L * dim, dim);
    Value wt = nn.g.lazyWeight(a + ".qkv.weight.fused", new long[] {dim, 3L * dim},
        () -> Layers.transpose2d(Layers.pickRows(w.toFloatArray(), dim, order), 3 * dim, dim));
    Value none = new Value("");
    return nn.g.node("Attention", h, wt, nn.g.weight(a + ".qkv.bias.fused", b, 3L * dim), none,
        none, bias).domain("com.microsoft").attr("num_heads", (long) heads).out();
  }

  /**
   * For graphs whose linear layers are rewritten (quantized): {@code q}, {@code k} and {@code v}
   * as three linear layers {@code <a>.qkv.q|k|v} (their rows of {@code qkv}) on the same input,
   * and ONNX Runtime's {@code MultiHeadAttention} for the scaled products with the bias, the
   * softmax and the heads' outputs (the standard nodes cost int8 MobileSAM a fifth of its run in
   * split, transposes and small batched products).
   */
  private Value rewrittenAttention(Layers nn, String a, Value h, int dim, int heads,
      Value bias) {
    int kd = dim / heads;
    float[] w = sd.get(a + ".qkv.weight", 3L * dim, dim).toFloatArray();
    float[] b = sd.get(a + ".qkv.bias").toFloatArray();
    Value[] qkv = new Value[3];
    String[] part = {"q", "k", "v"};
    for (int p = 0; p < 3; p++) {
      int[] rows = new int[dim];
      for (int hd = 0; hd < heads; hd++) {
        for (int i = 0; i < kd; i++) {
          rows[hd * kd + i] = hd * 3 * kd + p * kd + i;
        }
      }
      String name = a + ".qkv." + part[p];
      qkv[p] = nn.linearFrom(name, h, Tensor.ofFloats(Layers.pickRows(w, dim, rows), dim, dim),
          nn.g.weight(name + ".bias", Layers.pickRows(b, 1, rows), dim));
    }
    Value none = new Value("");
    return nn.g.node("MultiHeadAttention", qkv[0], qkv[1], qkv[2], none, none, bias)
        .domain("com.microsoft").attr("num_heads", (long) heads).out();
  }

  /** The attention as standard nodes (the reference's order of operations). */
  private Value attentionNodes(Layers nn, String a, Value h, int dim, int heads, int n,
      Value bias) {
    int kd = dim / heads;
    Value qkv = nn.reshape(nn.linear(a + ".qkv", h), 0, n, heads, 3L * kd);
    Value[] parts = nn.g.node("Split", qkv, nn.g.ints(kd, kd, kd)).attr("axis", 3L).outs(3);
    Value q = nn.transpose(parts[0], 0, 2, 1, 3);
    Value k = nn.transpose(parts[1], 0, 2, 3, 1);
    Value v = nn.transpose(parts[2], 0, 2, 1, 3);
    Value attn = nn.mul(nn.matmul(q, k), nn.g.scalar((float) Math.pow(kd, -0.5)));
    attn = nn.softmax(nn.add(attn, bias));
    Value o = nn.transpose(nn.matmul(attn, v), 0, 2, 1, 3);
    return nn.reshape(o, 0, n, dim);
  }

  /** {@code attention_biases[:, attention_bias_idxs]}: offsets numbered by first appearance. */
  private float[] attentionBias(String a, int heads, int ws) {
    int n = ws * ws;
    int[] idx = new int[n * n];
    Map<Integer, Integer> offsets = new HashMap<>();
    for (int p1 = 0; p1 < n; p1++) {
      for (int p2 = 0; p2 < n; p2++) {
        int key = Math.abs(p1 / ws - p2 / ws) * ws + Math.abs(p1 % ws - p2 % ws);
        Integer id = offsets.get(key);
        if (id == null) {
          id = offsets.size();
          offsets.put(key, id);
        }
        idx[p1 * n + p2] = id;
      }
    }
    float[] biases = sd.get(a + ".attention_biases").toFloatArray();
    int count = offsets.size();
    if (biases.length != heads * count) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.UNSUPPORTED_MODEL,
          a + ".attention_biases has " + biases.length + " values, expected " + heads + " x " + count);
    }
    float[] out = new float[heads * n * n];
    for (int hd = 0; hd < heads; hd++) {
      for (int i = 0; i < n * n; i++) {
        out[hd * n * n + i] = biases[hd * count + idx[i]];
      }
    }
    return out;
  }
}
