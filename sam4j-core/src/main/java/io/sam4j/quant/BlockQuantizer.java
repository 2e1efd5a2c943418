package io.sam4j.quant;

import java.util.stream.IntStream;

/**
 * Blockwise n-bit quantization of a linear layer's weight W [out, in]: each row is cut into blocks
 * of {@code block} input channels, each block gets a scale and a zero point (asymmetric, codes
 * {@code 0..2^bits-1}, dequantized as {@code (q - zero) * scale}), as ONNX Runtime's
 * {@code MatMulNBits} stores them.
 *
 * <p>{@link #minmax} takes each block's range as it is (extended to contain 0). {@link #calibrated}
 * is the Q-SAM2 calibration: for each output channel, the blocks' ranges are shrunk by a clipping
 * ratio chosen to minimise the layer's output error on captured activations X,
 * {@code ||X w - X q(w)||^2 = e^T H e} with {@code H = X^T X} and {@code e = w - q(w)}, by
 * coordinate descent over the blocks (each block's ratio from a grid, the others held, two sweeps),
 * starting from min-max; so it never does worse than min-max on the calibration activations.
 */
public final class BlockQuantizer {
  private BlockQuantizer() {}

  /**
   * A quantized weight.
   *
   * @param codes [out, in] codes in {@code 0..2^bits-1}
   * @param scales [out, blocks]
   * @param zeros [out, blocks] zero points in {@code 0..2^bits-1}
   */
  public record Quantized(byte[] codes, float[] scales, byte[] zeros, int out, int in, int bits,
      int block) {
    /** Blocks per row: {@code ceil(in / block)}. */
    public int blocks() {
      return (in + block - 1) / block;
    }

    /** The dequantized weight [out, in]. */
    public float[] dequantize() {
      float[] w = new float[out * in];
      int nb = blocks();
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          int b = o * nb + i / block;
          w[o * in + i] = ((codes[o * in + i] & 0xff) - (zeros[b] & 0xff)) * scales[b];
        }
      }
      return w;
    }
  }

  /** Clipping ratios tried by {@link #calibrated}, largest (min-max) first. */
  static double[] ratios(int bits) {
    double lowest = bits <= 2 ? 0.3 : bits <= 4 ? 0.5 : 0.7;
    int n = 24;
    double[] r = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      r[i] = 1 - (1 - lowest) * i / n;
    }
    return r;
  }

  /** Round-to-nearest with each block's full range. */
  public static Quantized minmax(float[] w, int out, int in, int bits, int block) {
    check(bits, block);
    Quantized q = empty(out, in, bits, block);
    int nb = q.blocks();
    IntStream.range(0, out).parallel().forEach(o -> {
      for (int b = 0; b < nb; b++) {
        quantizeBlock(w, q, o, b, 1.0);
      }
    });
    return q;
  }

  /**
   * Clipping chosen per block to minimise the output error over activations whose Gram matrix is
   * {@code gram} [in, in] (row-major, {@code X^T X}).
   */
  public static Quantized calibrated(float[] w, int out, int in, int bits, int block,
      double[] gram) {
    check(bits, block);
    if (gram.length != (long) in * in) {
      throw new IllegalArgumentException("gram has " + gram.length + " values for in = " + in);
    }
    Quantized q = minmax(w, out, in, bits, block);
    double[] grid = ratios(bits);
    int nb = q.blocks();
    IntStream.range(0, out).parallel().forEach(o -> {
      double[] e = new double[in];
      for (int i = 0; i < in; i++) {
        e[i] = w[o * in + i] - dequantized(q, o, i);
      }
      double[] g = new double[in]; // H e
      for (int r = 0; r < in; r++) {
        double s = 0;
        int row = r * in;
        for (int c = 0; c < in; c++) {
          s += gram[row + c] * e[c];
        }
        g[r] = s;
      }
      double[] cand = new double[block];
      double[] delta = new double[block];
      for (int sweep = 0; sweep < 2; sweep++) {
        boolean changed = false;
        for (int b = 0; b < nb; b++) {
          int lo = b * block;
          int len = Math.min(block, in - lo);
          double bestGain = 0;
          double bestRatio = -1;
          for (double ratio : grid) {
            blockError(w, o, in, lo, len, ratio, q.bits, cand);
            // f(e + d) - f(e) = 2 d.g + d^T H d over the block
            double gain = 0;
            for (int i = 0; i < len; i++) {
              delta[i] = cand[i] - e[lo + i];
              gain += 2 * delta[i] * g[lo + i];
            }
            for (int i = 0; i < len; i++) {
              if (delta[i] == 0) {
                continue;
              }
              int row = (lo + i) * in + lo;
              double s = 0;
              for (int j = 0; j < len; j++) {
                s += gram[row + j] * delta[j];
              }
              gain += delta[i] * s;
            }
            if (gain < bestGain - 1e-12 * Math.abs(bestGain)) {
              bestGain = gain;
              bestRatio = ratio;
            }
          }
          if (bestRatio > 0) {
            blockError(w, o, in, lo, len, bestRatio, q.bits, cand);
            for (int i = 0; i < len; i++) {
              double d = cand[i] - e[lo + i];
              if (d != 0) {
                for (int r = 0; r < in; r++) {
                  g[r] += gram[r * in + lo + i] * d;
                }
                e[lo + i] = cand[i];
              }
            }
            quantizeBlock(w, q, o, b, bestRatio);
            changed = true;
          }
        }
        if (!changed) {
          break;
        }
      }
    });
    return q;
  }

  /**
   * {@code ||X W^T - X Q^T||_F / ||X W^T||_F} for activation rows X [rows, in].
   *
   * @param wq the dequantized weight [out, in]
   */
  public static double relativeOutputError(float[] w, float[] wq, int out, int in, float[] x,
      int rows) {
    double[] sums = IntStream.range(0, rows).parallel().mapToObj(r -> {
      double num = 0;
      double den = 0;
      int xr = r * in;
      for (int o = 0; o < out; o++) {
        double y = 0;
        double yq = 0;
        int wr = o * in;
        for (int i = 0; i < in; i++) {
          y += x[xr + i] * w[wr + i];
          yq += x[xr + i] * wq[wr + i];
        }
        num += (y - yq) * (y - yq);
        den += y * y;
      }
      return new double[] {num, den};
    }).reduce(new double[2], (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    return sums[1] == 0 ? 0 : Math.sqrt(sums[0] / sums[1]);
  }

  /** {@code X^T X} [in, in] of rows X [rows, in], in double precision. */
  public static double[] gram(float[] x, int rows, int in) {
    double[] h = new double[in * in];
    IntStream.range(0, in).parallel().forEach(i -> {
      for (int r = 0; r < rows; r++) {
        double xi = x[r * in + i];
        if (xi == 0) {
          continue;
        }
        int xr = r * in;
        int hr = i * in;
        for (int j = 0; j < in; j++) {
          h[hr + j] += xi * x[xr + j];
        }
      }
    });
    return h;
  }

  private static Quantized empty(int out, int in, int bits, int block) {
    int nb = (in + block - 1) / block;
    return new Quantized(new byte[out * in], new float[out * nb], new byte[out * nb], out, in, bits,
        block);
  }

  private static void check(int bits, int block) {
    if (bits != 2 && bits != 4 && bits != 8) {
      throw new IllegalArgumentException("bits must be 2, 4 or 8, got " + bits);
    }
    if (block < 16 || Integer.bitCount(block) != 1) {
      throw new IllegalArgumentException("block size must be a power of two >= 16, got " + block);
    }
  }

  private static double dequantized(Quantized q, int o, int i) {
    int b = o * q.blocks() + i / q.block;
    return ((q.codes[o * q.in + i] & 0xff) - (q.zeros[b] & 0xff)) * (double) q.scales[b];
  }

  /** Scale and zero point of a block's range shrunk by {@code ratio}: {scale, zero}. */
  private static double[] params(float[] w, int base, int len, double ratio, int bits) {
    double min = 0;
    double max = 0;
    for (int i = 0; i < len; i++) {
      min = Math.min(min, w[base + i]);
      max = Math.max(max, w[base + i]);
    }
    min *= ratio;
    max *= ratio;
    int levels = (1 << bits) - 1;
    double scale = (max - min) / levels;
    if (scale == 0) {
      return new double[] {1, 0};
    }
    scale = (float) scale;
    double zero = Math.max(0, Math.min(levels, Math.round(-min / scale)));
    return new double[] {scale, zero};
  }

  /** The block's error {@code w - q(w)} at a clipping ratio, into {@code err}. */
  private static void blockError(float[] w, int o, int in, int lo, int len, double ratio, int bits,
      double[] err) {
    int base = o * in + lo;
    double[] p = params(w, base, len, ratio, bits);
    int levels = (1 << bits) - 1;
    for (int i = 0; i < len; i++) {
      double c = Math.max(0, Math.min(levels, Math.round(w[base + i] / p[0]) + p[1]));
      err[i] = w[base + i] - (c - p[1]) * (float) p[0];
    }
  }

  private static void quantizeBlock(float[] w, Quantized q, int o, int b, double ratio) {
    int lo = b * q.block;
    int len = Math.min(q.block, q.in - lo);
    int base = o * q.in + lo;
    double[] p = params(w, base, len, ratio, q.bits);
    int levels = (1 << q.bits) - 1;
    for (int i = 0; i < len; i++) {
      q.codes[base + i] = (byte) Math.max(0, Math.min(levels, Math.round(w[base + i] / p[0]) + p[1]));
    }
    q.scales[o * q.blocks() + b] = (float) p[0];
    q.zeros[o * q.blocks() + b] = (byte) p[1];
  }
}
