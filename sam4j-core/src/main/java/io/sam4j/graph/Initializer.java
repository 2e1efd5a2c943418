package io.sam4j.graph;

import java.nio.ByteBuffer;

/**
 * A constant tensor of a graph: name, type, shape and its little-endian bytes (often a view into a
 * memory-mapped checkpoint).
 */
public record Initializer(String name, ElemType type, long[] dims, ByteBuffer data) {
  /** Size of the data in bytes. */
  public long byteSize() {
    return data.remaining();
  }
}
