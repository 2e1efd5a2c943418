package io.sam4j.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * A constant tensor of a graph: name, type, shape and where its little-endian bytes come from:
 * a view into a memory-mapped checkpoint, or a computation (a transposed or folded weight) that
 * runs only when the model is written, so that no copy of the weights stays in memory.
 */
public record Initializer(String name, ElemType type, long[] dims, long byteSize,
    Supplier<ByteBuffer> source) {

  /** The bytes, little-endian (computed now for derived weights). */
  public ByteBuffer data() {
    ByteBuffer b = source.get().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() != byteSize) {
      throw new IllegalStateException("initializer " + name + " produced " + b.remaining()
          + " bytes, expected " + byteSize);
    }
    return b;
  }
}
