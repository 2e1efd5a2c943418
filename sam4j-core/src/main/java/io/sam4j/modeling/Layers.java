package io.sam4j.modeling;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.nn.Conv2d;
import io.sam4j.modeling.nn.Conv2dBn;
import io.sam4j.modeling.nn.Gelu;
import io.sam4j.modeling.nn.LayerNorm2d;
import io.sam4j.modeling.nn.SamNeck;
import io.sam4j.runtime.RuntimeOptions.Precision;

/**
 * The PyTorch layers the reference modules are made of ({@code nn.Linear}, {@code nn.LayerNorm},
 * {@code LayerNorm2d}, {@code nn.Conv2d}, Conv2d+BatchNorm, {@code nn.GELU}...), each written as ONNX
 * nodes whose weights come from the state dict under the module's key prefix. Public for the model
 * families' packages ({@code io.sam4j.modeling.sam2}, ...).
 */
public final class Layers {
  /** The graph the layers are added to. */
  public final GraphBuilder g;
  /** The weights, by the reference's state-dict keys. */
  public final StateDict sd;
  private final Precision precision;

  /** float32 layers over {@code g} with weights from {@code sd}. */
  public Layers(GraphBuilder g, StateDict sd) {
    this(g, sd, Precision.FP32);
  }

  /** Layers whose linear layers use {@code precision}. */
  public Layers(GraphBuilder g, StateDict sd, Precision precision) {
    this.g = g;
    this.sd = sd;
    this.precision = precision;
  }

  /** The tensor {@code prefix.name}. */
  public Tensor param(String prefix, String name) {
    return sd.get(prefix + "." + name);
  }

  /** The initializer for {@code key}, unchanged. */
  public Value weight(String key) {
    return g.weight(key, sd.get(key));
  }

  /**
   * {@code nn.Linear}: {@code x @ W^T + b}, the bias only when the checkpoint has one. The
   * transposed weight is computed from the checkpoint only when the model is written.
   */
  public Value linear(String prefix, Value x) {
    Tensor w = param(prefix, "weight");
    int out = w.dim(0);
    int in = w.dim(1);
    if (g.rewriter() != null) {
      Value bias = sd.has(prefix + ".bias") ? weight(prefix + ".bias") : null;
      Value y = g.rewriter().linear(g, prefix, x, w.toFloatArray(), out, in, bias);
      if (y != null) {
        return y;
      }
    }
    if (precision == Precision.INT8) {
      return Int8Linear.build(this, prefix, x, w);
    }
    Value wt = g.lazyWeight(prefix + ".weight.T", new long[] {in, out},
        () -> transpose2d(w.toFloatArray(), out, in));
    Value y = g.op("MatMul", x, wt);
    if (sd.has(prefix + ".bias")) {
      y = g.op("Add", y, weight(prefix + ".bias"));
    }
    return y;
  }

  /**
   * {@code x @ w^T + bias} for a weight {@code w} [out, in] and bias initializer (or null) that
   * are not checkpoint entries as such (rows of one, say), through the rewriter when there is
   * one; {@code name} names the layer and its initializers.
   */
  public Value linearFrom(String name, Value x, Tensor w, Value bias) {
    int out = w.dim(0);
    int in = w.dim(1);
    if (g.rewriter() != null) {
      Value y = g.rewriter().linear(g, name, x, w.toFloatArray(), out, in, bias);
      if (y != null) {
        return y;
      }
    }
    Value y = g.op("MatMul", x, g.lazyWeight(name + ".weight.T", new long[] {in, out},
        () -> transpose2d(w.toFloatArray(), out, in)));
    return bias == null ? y : g.op("Add", y, bias);
  }

  /**
   * {@code x @ w^T} without bias for a weight {@code w} [out, in] that is not a checkpoint entry
   * as such (a slice of one, say), in this layer set's precision; {@code name} names the
   * initializers and must not be a key with a {@code .bias}.
   */
  public Value linearNoBias(String name, Value x, Tensor w) {
    if (sd.has(name + ".bias")) {
      throw new IllegalArgumentException(name + " has a bias in the checkpoint");
    }
    if (g.rewriter() != null) {
      Value y = g.rewriter().linear(g, name, x, w.toFloatArray(), w.dim(0), w.dim(1), null);
      if (y != null) {
        return y;
      }
    }
    if (precision == Precision.INT8) {
      return Int8Linear.build(this, name, x, w);
    }
    int out = w.dim(0);
    int in = w.dim(1);
    return g.op("MatMul", x, g.lazyWeight(name + ".weight.T", new long[] {in, out},
        () -> transpose2d(w.toFloatArray(), out, in)));
  }

  /**
   * Rows {@code [from, to)} of the linear layer {@code prefix} with the same rows of its bias, if
   * any: {@code x @ W[from:to]^T + b[from:to]}, one part of a fused projection (the q, k or v
   * rows of a {@code qkv} layer), in this layer set's precision. In float32 the transposed slice is
   * computed only when the model is written; {@code name} names the initializers.
   */
  public Value linearRows(String prefix, String name, Value x, int from, int to) {
    Tensor w = param(prefix, "weight");
    int in = w.dim(1);
    int rows = to - from;
    Value bias = null;
    if (sd.has(prefix + ".bias")) {
      float[] b = param(prefix, "bias").toFloatArray();
      bias = g.weight(name + ".bias", java.util.Arrays.copyOfRange(b, from, to), rows);
    }
    if (g.rewriter() != null || precision == Precision.INT8) {
      Tensor part = Tensor.ofFloats(java.util.Arrays.copyOfRange(w.toFloatArray(), from * in,
          to * in), rows, in);
      Value y = g.rewriter() != null
          ? g.rewriter().linear(g, name, x, part.toFloatArray(), rows, in, bias) : null;
      if (y != null) {
        return y;
      }
      y = precision == Precision.INT8 ? Int8Linear.build(this, name, x, part)
          : g.op("MatMul", x, g.weight(name + ".weight.T", transpose2d(part.toFloatArray(),
              rows, in), in, rows));
      return bias == null ? y : g.op("Add", y, bias);
    }
    Value wt = g.lazyWeight(name + ".weight.T", new long[] {in, rows},
        () -> transpose2d(java.util.Arrays.copyOfRange(w.toFloatArray(), from * in, to * in),
            rows, in));
    Value y = g.op("MatMul", x, wt);
    return bias == null ? y : g.op("Add", y, bias);
  }

  /**
   * {@code nn.LayerNorm} over the last axis. Unless the graph is portable, written as ONNX Runtime's
   * {@code SkipLayerNormalization} over rows {@code [n, 1, C]} with a zero skip row: the same
   * arithmetic, about three times faster on the CPU than its {@code LayerNormalization} kernel
   * (MobileSAM's [16384, 128] norm: 5.4 ms against 1.8 ms on two cores).
   */
  public Value layerNorm(String prefix, Value x, float eps) {
    Value w = weight(prefix + ".weight");
    Value b = weight(prefix + ".bias");
    if (g.portable()) {
      return g.node("LayerNormalization", x, w, b).attr("axis", -1L).attr("epsilon", eps).out();
    }
    long c = param(prefix, "weight").numel();
    Value rows = g.op("Reshape", x, g.ints(-1, 1, c));
    Value zero = g.weight("zero_row." + c, new float[(int) c], 1, c);
    Value y = g.node("SkipLayerNormalization", rows, zero, w, b).domain("com.microsoft")
        .attr("epsilon", eps).out();
    return g.op("Reshape", y, g.op("Shape", x));
  }

  /**
   * {@code nn.LayerNorm(residual + (x + bias))} over the last axis of 3-D tensors, as a residual
   * block ends; {@code residual} may be [1, N, C] against x's [B, N, C]. Unless the graph is
   * portable, one {@code SkipLayerNormalization} pass instead of two additions and a norm.
   */
  public Value addLayerNorm(String prefix, Value x, Value bias, Value residual, float eps) {
    if (g.portable()) {
      return layerNorm(prefix, g.op("Add", residual, g.op("Add", x, bias)), eps);
    }
    return g.node("SkipLayerNormalization", x, residual, weight(prefix + ".weight"),
        weight(prefix + ".bias"), bias).domain("com.microsoft").attr("epsilon", eps).out();
  }

  /** SAM's {@code LayerNorm2d} over the channel axis of NCHW (see {@link LayerNorm2d}). */
  public Value layerNorm2d(String prefix, Value x, float eps) {
    return LayerNorm2d.build(g, sd, prefix, x, eps);
  }

  /** {@code nn.Conv2d} with square kernel; bias when the checkpoint has one. */
  public Value conv2d(String prefix, Value x, int stride, int pad, int groups) {
    Value w = weight(prefix + ".weight");
    Value b = sd.has(prefix + ".bias") ? weight(prefix + ".bias") : null;
    return conv(x, w, b, param(prefix, "weight").dim(2), stride, pad, groups);
  }

  /** TinyViT's {@code Conv2d_BN}, folded into one convolution (see {@link Conv2dBn}). */
  public Value conv2dBn(String prefix, Value x, int stride, int pad, int groups) {
    return Conv2dBn.build(g, sd, prefix, x, stride, pad, groups);
  }

  private Value conv(Value x, Value w, Value b, int k, int stride, int pad, int groups) {
    return Conv2d.apply(g, x, w, b, k, stride, pad, groups);
  }

  /** {@code nn.ConvTranspose2d} with kernel = stride (the decoder's 2x upscaling). */
  public Value convTranspose2d(String prefix, Value x, int stride) {
    Tensor w = param(prefix, "weight");
    return g.node("ConvTranspose", x, weight(prefix + ".weight"), weight(prefix + ".bias"))
        .attrInts("kernel_shape", (long) w.dim(2), w.dim(3)).attrInts("strides", (long) stride, stride)
        .out();
  }

  /**
   * SAM's encoder {@code neck} (1x1 conv, LayerNorm2d, 3x3 conv, LayerNorm2d, no biases), shared by
   * every SAM 1 image encoder.
   */
  public Value neck(String prefix, Value nchw) {
    return SamNeck.build(g, sd, prefix, nchw);
  }

  /** {@code nn.GELU()}, exact (see {@link Gelu}). */
  public Value gelu(Value x) {
    return Gelu.build(g, x);
  }

  /** {@code nn.ReLU}. */
  public Value relu(Value x) {
    return g.op("Relu", x);
  }

  /** Elementwise {@code a + b} (broadcasting). */
  public Value add(Value a, Value b) {
    return g.op("Add", a, b);
  }

  /** Elementwise {@code a * b} (broadcasting). */
  public Value mul(Value a, Value b) {
    return g.op("Mul", a, b);
  }

  /** {@code a @ b} (batched). */
  public Value matmul(Value a, Value b) {
    return g.op("MatMul", a, b);
  }

  /** {@code x.reshape(shape)} (ONNX: 0 copies a dimension, -1 infers one). */
  public Value reshape(Value x, long... shape) {
    return g.op("Reshape", x, g.ints(shape));
  }

  /** {@code x.permute(perm)}. */
  public Value transpose(Value x, long... perm) {
    return g.node("Transpose", x).attrInts("perm", perm).out();
  }

  /** Softmax over the last axis. */
  public Value softmax(Value x) {
    return g.node("Softmax", x).attr("axis", -1L).out();
  }

  /** {@code x[..., start:end]} along {@code axis}. */
  public Value slice(Value x, long axis, long start, long end) {
    return g.op("Slice", x, g.ints(start), g.ints(end), g.ints(axis));
  }

  /** The rows {@code rows} of a row-major matrix with {@code cols} columns, in that order. */
  public static float[] pickRows(float[] m, int cols, int[] rows) {
    float[] out = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(m, rows[i] * cols, out, i * cols, cols);
    }
    return out;
  }

  /** Row-major [rows, cols] to [cols, rows]. */
  public static float[] transpose2d(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = a[r * cols + c];
      }
    }
    return t;
  }
}
