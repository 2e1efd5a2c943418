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
  /**
   * The suffix of SAM 2's RoPE projection folded with its pair rotation
   * ({@code RoPEAttention.ropeLinear}): written from the layer's own quantized weight.
   */
  static final String PAIR_ROTATED = ".pair_rotated";
  private final Map<String, BlockQuantizer.Quantized> weights;

  NBitRewriter(Map<String, BlockQuantizer.Quantized> weights) {
    this.weights = weights;
  }

  @Override
  public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
      Value bias) {
    BlockQuantizer.Quantized q = weights.get(name);
    if (q == null && name.endsWith(PAIR_ROTATED)) {
      BlockQuantizer.Quantized base = weights.get(name.substring(0, name.length()
          - PAIR_ROTATED.length()));
      q = base == null ? null : pairRotated(base);
    }
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

  /**
   * The weight {@code R^T W} of a quantized W (row 2j = -row 2j+1, row 2j+1 = row 2j): an exact
   * signed permutation, since {@code -(c - z) s = ((L - c) - (L - z)) s} with L = 2^bits - 1.
   */
  static BlockQuantizer.Quantized pairRotated(BlockQuantizer.Quantized q) {
    int nb = q.blocks();
    int levels = (1 << q.bits()) - 1;
    byte[] codes = new byte[q.codes().length];
    float[] scales = new float[q.scales().length];
    byte[] zeros = new byte[q.zeros().length];
    for (int j = 0; j < q.out() / 2; j++) {
      int even = 2 * j;
      int odd = 2 * j + 1;
      for (int i = 0; i < q.in(); i++) {
        codes[even * q.in() + i] = (byte) (levels - (q.codes()[odd * q.in() + i] & 0xff));
        codes[odd * q.in() + i] = q.codes()[even * q.in() + i];
      }
      for (int b = 0; b < nb; b++) {
        scales[even * nb + b] = q.scales()[odd * nb + b];
        zeros[even * nb + b] = (byte) (levels - (q.zeros()[odd * nb + b] & 0xff));
        scales[odd * nb + b] = q.scales()[even * nb + b];
        zeros[odd * nb + b] = q.zeros()[even * nb + b];
      }
    }
    return new BlockQuantizer.Quantized(codes, scales, zeros, q.out(), q.in(), q.bits(),
        q.block());
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

  /** The codes [out, in] of {@link #packCodes}'s layout. */
  static byte[] unpackCodes(byte[] packed, int out, int in, int bits, int block) {
    int nb = (in + block - 1) / block;
    int perByte = 8 / bits;
    int blob = block / perByte;
    int mask = (1 << bits) - 1;
    byte[] codes = new byte[out * in];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        int j = i % block;
        int at = (o * nb + i / block) * blob + j / perByte;
        codes[o * in + i] = (byte) (((packed[at] & 0xff) >> (bits * (j % perByte))) & mask);
      }
    }
    return codes;
  }

  /** The zero points [out, blocks] of {@link #packZeros}'s layout. */
  static byte[] unpackZeros(byte[] packed, int out, int blocks, int bits) {
    int perByte = 8 / bits;
    int zeroBytes = (blocks * bits + 7) / 8;
    int mask = (1 << bits) - 1;
    byte[] zeros = new byte[out * blocks];
    for (int o = 0; o < out; o++) {
      for (int b = 0; b < blocks; b++) {
        zeros[o * blocks + b] = (byte) (((packed[o * zeroBytes + b / perByte] & 0xff)
            >> (bits * (b % perByte))) & mask);
      }
    }
    return zeros;
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
