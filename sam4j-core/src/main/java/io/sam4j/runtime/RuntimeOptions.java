package io.sam4j.runtime;

/**
 * How sessions run: the number of intra-op threads (0 = one per core) and whether ONNX Runtime
 * may apply all graph optimizations.
 */
public record RuntimeOptions(int threads, boolean optimize) {
  public RuntimeOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
  }

  /** One thread per core, all optimizations. */
  public static RuntimeOptions defaults() {
    return new RuntimeOptions(0, true);
  }

  /** The thread count to use. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
