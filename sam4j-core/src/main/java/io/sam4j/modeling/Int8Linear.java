package io.sam4j.modeling;

import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code nn.Linear} with int8 weights: each output channel's weights are scaled by
 * {@code max|w| / 127} and rounded (symmetric, zero point 0); ONNX Runtime's
 * {@code DynamicQuantizeMatMul} quantizes the activations per tensor at run time and runs an
 * integer matrix product. The quantized weights are computed when the model is written. Also the
 * product of two activations ({@link #logits}), both quantized at run time.
 */
public final class Int8Linear {
  private Int8Linear() {}

  /** {@code x W^T (+ b)} with int8 weights {@code w} [out, in]; the float bias when the checkpoint has one. */
  public static Value build(Layers nn, String prefix, Value x, Tensor w) {
    int out = w.dim(0);
    int in = w.dim(1);
    float[] scales = new float[out];
    float[] wf = w.toFloatArray();
    for (int o = 0; o < out; o++) {
      float max = 0;
      for (int i = 0; i < in; i++) {
        max = Math.max(max, Math.abs(wf[o * in + i]));
      }
      scales[o] = max > 0 ? max / 127f : 1f;
    }
    Value q = nn.g.initializer(prefix + ".weight.int8", ElemType.INT8, new long[] {in, out},
        quantizeTransposed(wf, scales, out, in));
    Value scale = nn.g.weight(prefix + ".weight.scale", scales, out);
    Value zero = nn.g.initializer(prefix + ".weight.zero_point", ElemType.INT8, new long[] {out},
        ByteBuffer.allocate(out));
    Value bias = nn.sd.has(prefix + ".bias") ? nn.weight(prefix + ".bias") : null;
    return (bias == null
        ? nn.g.node("DynamicQuantizeMatMul", x, q, scale, zero)
        : nn.g.node("DynamicQuantizeMatMul", x, q, scale, zero, bias))
        .domain("com.microsoft").out();
  }

  /**
   * {@code a @ b} for two activations (attention logits {@code q k^T}): {@code b} is quantized at
   * run time per tensor (uint8 with a zero point), {@code a} inside {@code DynamicQuantizeMatMul}.
   */
  public static Value logits(Layers nn, Value a, Value b) {
    Value[] q = nn.g.node("DynamicQuantizeLinear", b).outs(3);
    return nn.g.node("DynamicQuantizeMatMul", a, q[0], q[1], q[2]).domain("com.microsoft").out();
  }

  /** W [out, in] to round(W / scale) transposed to [in, out], int8. */
  private static ByteBuffer quantizeTransposed(float[] w, float[] scales, int out, int in) {
    ByteBuffer b = ByteBuffer.allocate(w.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        long v = Math.round(w[o * in + i] / scales[o]);
        b.put((byte) Math.max(-127, Math.min(127, v)));
      }
    }
    return b.flip();
  }
}
