package io.sam4j.runtime;

/**
 * How a model is built and run: the number of intra-op threads (0 = one per core), whether ONNX
 * Runtime may apply all graph optimizations, and the precision of the image encoder's matrix
 * products.
 */
public record RuntimeOptions(int threads, boolean optimize, Precision precision) {
  /** Arithmetic of the image encoder's weights. */
  public enum Precision {
    /** float32 everywhere, as the reference. */
    FP32,
    /**
     * int8 weights (per output channel, symmetric) and activations quantized per tensor at run
     * time, on the integer kernels of the CPU (VNNI where present); the decoder stays float32.
     */
    INT8
  }

  public RuntimeOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    if (precision == null) {
      throw new IllegalArgumentException("precision must be given");
    }
  }

  /** float32 with the given threads. */
  public RuntimeOptions(int threads, boolean optimize) {
    this(threads, optimize, Precision.FP32);
  }

  /** One thread per core, all optimizations, float32. */
  public static RuntimeOptions defaults() {
    return new RuntimeOptions(0, true, Precision.FP32);
  }

  /** The thread count to use. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
