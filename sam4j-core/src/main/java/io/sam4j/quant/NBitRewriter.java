package io.sam4j.quant;

import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.Value;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Writes every linear layer whose weight was quantized ({@code weights}, by layer name) as ONNX
 * Runtime's {@code MatMulNBits} (com.microsoft): codes packed low bits first, {@code bits / 8}
 * bytes per value, per-block float scales and packed zero points; float32 activations
 * ({@code accuracy_level} 0). Convolutions stay float32.
 */
final class NBitRewriter implements LayerRewriter {
  private final Map<String, BlockQuantizer.Quantized> weights;

  NBitRewriter(Map<String, BlockQuantizer.Quantized> weights) {
    this.weights = weights;
  }

  @Override
  public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
      Value bias) {
    BlockQuantizer.Quantized q = weights.get(name);
    if (q == null) {
      return null;
    }
    int nb = q.blocks();
    int blob = q.block() * q.bits() / 8;
    Value packed = g.initializer(name + ".weight.q" + q.bits(), ElemType.UINT8,
        new long[] {out, nb, blob}, ByteBuffer.wrap(packCodes(q)));
    Value scales = g.weight(name + ".weight.scales", q.scales(), (long) out * nb);
    int zeroBytes = (nb * q.bits() + 7) / 8;
    Value zeros = g.initializer(name + ".weight.zero_points", ElemType.UINT8,
        new long[] {(long) out * zeroBytes}, ByteBuffer.wrap(packZeros(q, zeroBytes)));
    Value y = g.node("MatMulNBits", x, packed, scales, zeros).domain("com.microsoft")
        .attr("K", (long) in).attr("N", (long) out).attr("bits", (long) q.bits())
        .attr("block_size", (long) q.block()).attr("accuracy_level", 0L).out();
    return bias == null ? y : g.op("Add", y, bias);
  }

  @Override
  public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias,
      int stride, int pad, int groups) {
    return null;
  }

  /** [out, blocks, block * bits / 8]: each block's codes, low bits first, zero-padded. */
  static byte[] packCodes(BlockQuantizer.Quantized q) {
    int nb = q.blocks();
    int perByte = 8 / q.bits();
    int blob = q.block() / perByte;
    byte[] out = new byte[q.out() * nb * blob];
    for (int o = 0; o < q.out(); o++) {
      for (int i = 0; i < q.in(); i++) {
        int b = i / q.block();
        int j = i % q.block();
        int at = (o * nb + b) * blob + j / perByte;
        out[at] |= (byte) ((q.codes()[o * q.in() + i] & 0xff) << (q.bits() * (j % perByte)));
      }
    }
    return out;
  }

  /** Zero points [out, ceil(blocks * bits / 8)], low bits first. */
  static byte[] packZeros(BlockQuantizer.Quantized q, int zeroBytes) {
    int nb = q.blocks();
    int perByte = 8 / q.bits();
    byte[] out = new byte[q.out() * zeroBytes];
    for (int o = 0; o < q.out(); o++) {
      for (int b = 0; b < nb; b++) {
        out[o * zeroBytes + b / perByte] |=
            (byte) ((q.zeros()[o * nb + b] & 0xff) << (q.bits() * (b % perByte)));
      }
    }
    return out;
  }
}
