package io.sam4j.modeling;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
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
   * {@code x @ w^T} without bias for a weight {@code w} [out, in] that is not a checkpoint entry
   * as such (a slice of one, say), in this layer set's precision; {@code name} names the
   * initializers and must not be a key with a {@code .bias}.
   */
  public Value linearNoBias(String name, Value x, Tensor w) {
    if (sd.has(name + ".bias")) {
      throw new IllegalArgumentException(name + " has a bias in the checkpoint");
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

  /**
   * SAM's {@code LayerNorm2d} over the channel axis of NCHW, in the reference's order of operations:
   * {@code u = mean(x)}, {@code s = mean((x-u)^2)}, {@code (x-u)/sqrt(s+eps)}, then scale and shift.
   */
  public Value layerNorm2d(String prefix, Value x, float eps) {
    Tensor w = param(prefix, "weight");
    long c = w.numel();
    // the channel means as a 1x1 convolution with weights 1/C: ONNX Runtime's ReduceMean over a
    // strided axis is several times slower (1.5 ms against 0.2 ms per mean in the encoder neck)
    float[] inverse = new float[(int) c];
    java.util.Arrays.fill(inverse, 1f / c);
    Value avg = g.weight("channel_mean." + c, inverse, 1, c, 1, 1);
    Value u = g.op("Conv", x, avg);
    Value d = g.op("Sub", x, u);
    Value s = g.op("Conv", g.op("Mul", d, d), avg);
    Value n = g.op("Div", d, g.op("Sqrt", g.op("Add", s, g.scalar(eps))));
    Value scale = g.weight(prefix + ".weight", w.toFloatArray(), c, 1, 1);
    Value shift = g.weight(prefix + ".bias", param(prefix, "bias").toFloatArray(), c, 1, 1);
    return g.op("Add", g.op("Mul", scale, n), shift);
  }

  /** {@code nn.Conv2d} with square kernel; bias when the checkpoint has one. */
  public Value conv2d(String prefix, Value x, int stride, int pad, int groups) {
    Value w = weight(prefix + ".weight");
    Value b = sd.has(prefix + ".bias") ? weight(prefix + ".bias") : null;
    return conv(x, w, b, param(prefix, "weight").dim(2), stride, pad, groups);
  }

  /**
   * TinyViT's {@code Conv2d_BN} ({@code prefix.c} then {@code prefix.bn}, eval mode), folded into one
   * convolution: {@code w' = w * gamma / sqrt(var + eps)}, {@code b' = beta - mean * gamma / sqrt(var + eps)}.
   */
  public Value conv2dBn(String prefix, Value x, int stride, int pad, int groups) {
    Tensor w = param(prefix + ".c", "weight");
    float[] wf = w.toFloatArray();
    float[] gamma = param(prefix + ".bn", "weight").toFloatArray();
    float[] beta = param(prefix + ".bn", "bias").toFloatArray();
    float[] mean = param(prefix + ".bn", "running_mean").toFloatArray();
    float[] var = param(prefix + ".bn", "running_var").toFloatArray();
    int out = w.dim(0);
    int per = wf.length / out;
    float[] bias = new float[out];
    for (int o = 0; o < out; o++) {
      double k = gamma[o] / Math.sqrt((double) var[o] + 1e-5);
      for (int i = 0; i < per; i++) {
        wf[o * per + i] = (float) (wf[o * per + i] * k);
      }
      bias[o] = (float) (beta[o] - mean[o] * k);
    }
    Value wv = g.weight(prefix + ".fused.weight", wf, w.shape());
    Value bv = g.weight(prefix + ".fused.bias", bias, out);
    return conv(x, wv, bv, w.dim(2), stride, pad, groups);
  }

  private Value conv(Value x, Value w, Value b, int k, int stride, int pad, int groups) {
    GraphBuilder.NodeBuilder n = b == null ? g.node("Conv", x, w) : g.node("Conv", x, w, b);
    return n.attrInts("kernel_shape", (long) k, k).attrInts("strides", (long) stride, stride)
        .attrInts("pads", (long) pad, pad, pad, pad).attr("group", (long) groups).out();
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
    Value n = conv2d(prefix + ".0", nchw, 1, 0, 1);
    n = layerNorm2d(prefix + ".1", n, 1e-6f);
    n = conv2d(prefix + ".2", n, 1, 1, 1);
    return layerNorm2d(prefix + ".3", n, 1e-6f);
  }

  /** {@code nn.GELU()}: the exact form {@code x * 0.5 * (1 + erf(x / sqrt(2)))}. */
  public Value gelu(Value x) {
    Value e = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2.0))));
    return g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", e, g.scalar(1f)));
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
