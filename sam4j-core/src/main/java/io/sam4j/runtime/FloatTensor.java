package io.sam4j.runtime;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order, the currency between sam4j and the runtime. Holds its
 * array without copying: callers that share one must not modify it.
 */
public record FloatTensor(float[] data, long[] shape) {
  public FloatTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
  }

  /** Size of dimension {@code i}; negative counts from the end. */
  public int dim(int i) {
    return (int) shape[i < 0 ? shape.length + i : i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t && Arrays.equals(data, t.data) && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
