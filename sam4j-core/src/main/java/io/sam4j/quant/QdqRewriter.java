package io.sam4j.quant;

import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.NodeBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * int8 static quantization in ONNX's QDQ form, which ONNX Runtime fuses into integer kernels:
 * activations uint8 per tensor with the calibrated ranges ({@link ActivationRanges}), weights int8
 * per output channel, symmetric. A linear layer becomes {@code DQ(Q(x)) @ DQ(W)} (fused into
 * {@code MatMulIntegerToFloat}), a convolution {@code Q(Conv(DQ(Q(x)), DQ(W), DQ(b)))} followed
 * by its dequantization (fused into {@code QLinearConv}, the int32 bias at scale
 * {@code s_x * s_w}). A layer without a calibrated range stays float32.
 *
 * <p>Between convolutions the activations stay on uint8: a GELU whose input is quantized (a
 * convolution's output, or a sum of such, quantized at the GELU's calibrated input range, which
 * ONNX Runtime fuses into {@code QLinearAdd}) is written as {@code x * sigmoid(1.702 x)} with
 * {@code QLinearSigmoid} (a 256-entry table) and {@code QLinearMul}, and the next convolution
 * takes its uint8 output as it is. ONNX Runtime's layout transformer can then keep the NHWC
 * layout of its integer convolutions through a whole convolutional stage (a float GELU between
 * them costs a dequantize, the GELU, a quantize and two transposes). GELUs after linear layers
 * stay float32. One instance builds one graph (it counts the GELUs as {@link CaptureRewriter}
 * did).
 */
final class QdqRewriter implements LayerRewriter {
  /** {@code 1.702}: {@code x * sigmoid(1.702 x)} approximates GELU within 0.021. */
  static final float SIGMOID_GELU = 1.702f;

  /** A float value that is the dequantization of {@code q} (uint8) at {@code scale, zero}. */
  private record Quantized(Value q, float scale, int zero) {}

  private final Map<String, float[]> ranges;
  private final Map<String, Quantized> quantized = new HashMap<>();
  private final Set<String> linearOutputs = new HashSet<>();
  /** Linear layers' quantized inputs by float value and range: q, k, v share one. */
  private final Map<String, Quantized> linearInputs = new HashMap<>();
  private int gelus;

  /** @param ranges {lo, hi} per tap name ({@link CaptureRewriter#inputTap} / outputTap) */
  QdqRewriter(Map<String, float[]> ranges) {
    this.ranges = ranges;
  }

  @Override
  public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
      Value bias) {
    float[] r = ranges.get(CaptureRewriter.inputTap(name));
    Quantized xin = quantized.get(x.name());
    if (r == null && xin == null) {
      return null;
    }
    float[] scales = channelScales(w, out, in);
    byte[] q = new byte[out * in]; // [in, out]
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        q[i * out + o] = quantize(w[o * in + i], scales[o]);
      }
    }
    Value wq = g.initializer(name + ".weight.int8", ElemType.INT8, new long[] {in, out},
        ByteBuffer.wrap(q));
    // static: the activation is quantized with its calibrated range, then the integer product
    // (VNNI) and its float scaling in one kernel; ONNX Runtime 1.29 does not fuse the QDQ form of
    // a MatMul (it folds DQ(W) into a float Gemm), hence the fused operator written directly
    Value sv;
    Value zv;
    Value xq;
    if (xin == null) {
      float s = scale(r);
      int z = zeroPoint(r, s);
      xin = linearInputs.computeIfAbsent(x.name() + "@" + s + "," + z,
          k -> new Quantized(g.op("QuantizeLinear", x, g.scalar(s), zero(g, z)), s, z));
    }
    sv = g.scalar(xin.scale());
    zv = zero(g, xin.zero());
    xq = xin.q();
    Value ws = g.weight(name + ".weight.scale", scales, out);
    Value wz = g.initializer(name + ".weight.zero", ElemType.INT8, new long[] {out},
        ByteBuffer.allocate(out));
    Value y = (bias == null
        ? g.node("MatMulIntegerToFloat", xq, wq, sv, ws, zv, wz)
        : g.node("MatMulIntegerToFloat", xq, wq, sv, ws, zv, wz, bias))
        .domain("com.microsoft").out();
    linearOutputs.add(y.name());
    return y;
  }

  @Override
  public Value gelu(GraphBuilder g, Value x) {
    float[] r = ranges.get(CaptureRewriter.geluTap(gelus++));
    Quantized xin = quantized.get(x.name());
    if (linearOutputs.contains(x.name()) || (xin == null && r == null)) {
      return null;
    }
    if (xin == null) {
      float s = scale(r);
      int z = zeroPoint(r, s);
      Value sv = g.scalar(s);
      Value zv = zero(g, z);
      xin = new Quantized(g.op("QuantizeLinear", x, sv, zv), s, z);
    }
    // the output range: what the 256 input codes map to
    float lo = 0;
    float hi = 0;
    for (int c = 0; c < 256; c++) {
      float v = xin.scale() * (c - xin.zero());
      float y = sigmoidGelu(v);
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
    float[] range = {lo, hi};
    float so = scale(range);
    int zo = zeroPoint(range, so);
    Value sx = g.scalar(xin.scale());
    Value zx = zero(g, xin.zero());
    Value ss = g.scalar(1f / 255);
    Value zs = zero(g, 0);
    Value sig = g.node("QLinearSigmoid", xin.q(), g.scalar(SIGMOID_GELU * xin.scale()), zx, ss,
        zs).domain("com.microsoft").out();
    Value sov = g.scalar(so);
    Value zov = zero(g, zo);
    Value yq = g.node("QLinearMul", xin.q(), sx, zx, sig, ss, zs, sov, zov)
        .domain("com.microsoft").out();
    return dequantize(g, new Quantized(yq, so, zo));
  }

  /** {@code x * sigmoid(1.702 x)}. */
  static float sigmoidGelu(float x) {
    return (float) (x / (1 + Math.exp(-SIGMOID_GELU * x)));
  }

  private Value dequantize(GraphBuilder g, Quantized q) {
    Value y = g.op("DequantizeLinear", q.q(), g.scalar(q.scale()), zero(g, q.zero()));
    quantized.put(y.name(), q);
    return y;
  }

  private static Value zero(GraphBuilder g, int zero) {
    return g.initializer(g.fresh("zero_point"), ElemType.UINT8, new long[0],
        ByteBuffer.wrap(new byte[] {(byte) zero}));
  }

  @Override
  public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias,
      int stride, int pad, int groups) {
    float[] rin = ranges.get(CaptureRewriter.inputTap(name));
    float[] rout = ranges.get(CaptureRewriter.outputTap(name));
    Quantized xin = quantized.get(x.name());
    if ((rin == null && xin == null) || rout == null) {
      return null;
    }
    int out = (int) shape[0];
    int per = w.length / out;
    float[] scales = channelScales(w, out, per);
    byte[] q = new byte[w.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < per; i++) {
        q[o * per + i] = quantize(w[o * per + i], scales[o]);
      }
    }
    Value wq = g.initializer(name + ".int8", ElemType.INT8, shape, ByteBuffer.wrap(q));
    Value wdq = g.node("DequantizeLinear", wq, g.weight(name + ".scale", scales, out),
        g.initializer(name + ".zero", ElemType.INT8, new long[] {out}, ByteBuffer.allocate(out)))
        .attr("axis", 0L).out();
    float sx = xin != null ? xin.scale() : scale(rin);
    Value b = null;
    if (bias != null) {
      float[] bf = g.initializerFloats(bias);
      float[] bs = new float[out];
      ByteBuffer bq = ByteBuffer.allocate(out * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int o = 0; o < out; o++) {
        bs[o] = sx * scales[o];
        bq.putInt(o * 4, (int) Math.max(Integer.MIN_VALUE + 1L,
            Math.min(Integer.MAX_VALUE, Math.round((double) bf[o] / bs[o]))));
      }
      b = g.node("DequantizeLinear",
          g.initializer(name + ".bias.int32", ElemType.INT32, new long[] {out}, bq),
          g.weight(name + ".bias.scale", bs, out),
          g.initializer(name + ".bias.zero", ElemType.INT32, new long[] {out},
              ByteBuffer.allocate(out * 4))).attr("axis", 0L).out();
    }
    Value xq = xin != null ? x : qdq(g, x, rin);
    int k = (int) shape[2];
    NodeBuilder n = b == null ? g.node("Conv", xq, wdq) : g.node("Conv", xq, wdq, b);
    Value y = n.attrInts("kernel_shape", (long) k, k).attrInts("strides", (long) stride, stride)
        .attrInts("pads", (long) pad, pad, pad, pad).attr("group", (long) groups).out();
    float so = scale(rout);
    int zo = zeroPoint(rout, so);
    return dequantize(g, new Quantized(g.op("QuantizeLinear", y, g.scalar(so), zero(g, zo)), so,
        zo));
  }

  /** {@code DequantizeLinear(QuantizeLinear(x))} with uint8 over the range {lo, hi}. */
  static Value qdq(GraphBuilder g, Value x, float[] range) {
    float s = scale(range);
    int zero = zeroPoint(range, s);
    Value sv = g.scalar(s);
    Value zv = g.initializer(g.fresh("zero_point"), ElemType.UINT8, new long[0],
        ByteBuffer.wrap(new byte[] {(byte) zero}));
    Value q = g.op("QuantizeLinear", x, sv, zv);
    return g.op("DequantizeLinear", q, sv, zv);
  }

  /** The uint8 scale of a range (widened to contain 0). */
  static float scale(float[] range) {
    float lo = Math.min(0, range[0]);
    float hi = Math.max(0, range[1]);
    return hi > lo ? (hi - lo) / 255f : 1f;
  }

  static int zeroPoint(float[] range, float scale) {
    return (int) Math.max(0, Math.min(255, Math.round(-Math.min(0, range[0]) / scale)));
  }

  /** {@code max|w| / 127} per row of [rows, cols]. */
  private static float[] channelScales(float[] w, int rows, int cols) {
    float[] s = new float[rows];
    for (int o = 0; o < rows; o++) {
      float max = 0;
      for (int i = 0; i < cols; i++) {
        max = Math.max(max, Math.abs(w[o * cols + i]));
      }
      s[o] = max > 0 ? max / 127f : 1f;
    }
    return s;
  }

  private static byte quantize(float v, float scale) {
    return (byte) Math.max(-127, Math.min(127, Math.round(v / scale)));
  }
}
