package io.sam4j.quant;

import io.sam4j.SamException;

/**
 * How to quantize a model.
 *
 * @param bits 8 (static int8: weights and activations, QDQ), 4 or 2 (blockwise weights of every
 *     linear layer of the image encoder)
 * @param method how ranges are chosen: {@link Method#MINMAX} or {@link Method#CALIBRATED}
 * @param blockSize input channels per scale at 4 and 2 bits (a power of two, at least 16)
 * @param maxImages calibration images used at most (the rest are held out for the report)
 * @param maxRows input rows kept per linear layer for the calibrated weight search
 */
public record QuantizationSettings(int bits, Method method, int blockSize, int maxImages,
    int maxRows) {
  /** How weights' (4, 2 bits) or activations' (8 bits) ranges are chosen. */
  public enum Method {
    /** The observed range: each weight block's min/max; each activation's observed min/max. */
    MINMAX,
    /**
     * 4, 2 bits: per block, the clipping that minimises the layer's output error on the captured
     * activations (Q-SAM2); 8 bits: each convolution's input and output range shrunk to minimise
     * the squared quantization error of its sampled values (an MSE search; for a GELU's input
     * only the minimum, on the GELU's output), the linear layers' inputs at their observed range.
     */
    CALIBRATED
  }

  /** Default block size. */
  public static final int DEFAULT_BLOCK = 32;
  /** Default calibration images used at most. */
  public static final int DEFAULT_IMAGES = 16;
  /** Default rows per linear layer. */
  public static final int DEFAULT_ROWS = 2048;

  public QuantizationSettings {
    if (bits != 8 && bits != 4 && bits != 2) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--bits must be 8, 4 or 2, got " + bits
          + " (8: int8 weights and activations, 4 and 2: low-bit weights of the linear layers)");
    }
    if (method == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "a method must be given (minmax or"
          + " calibrated)");
    }
    if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--block-size must be a power of two"
          + " of at least 16 (ONNX Runtime's MatMulNBits), got " + blockSize);
    }
    if (maxImages < 1) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--images must be at least 1, got "
          + maxImages);
    }
    if (maxRows < 1) {
      throw new SamException(SamException.Kind.BAD_INPUT, "rows per layer must be at least 1");
    }
  }

  /** The given bits and method with the default block size, images and rows. */
  public static QuantizationSettings of(int bits, Method method) {
    return new QuantizationSettings(bits, method, DEFAULT_BLOCK, DEFAULT_IMAGES, DEFAULT_ROWS);
  }
}
