package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.io.TempDirs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tracking state's large arrays (memories in bfloat16, low-res logits in float32) under a heap
 * budget: the least recently used beyond it are written to a spill file in a temporary folder
 * and read back when the reference reads them again (a correction, a reverse pass), so the heap
 * does not grow with the video. With {@code drop} they are forgotten instead (reads return null).
 * Not thread-safe; one per tracker. Close it to delete the spill file.
 */
final class MemoryStore implements AutoCloseable {
  /** A stored array. */
  static final class Ref {
    final long id;
    final boolean bf16;
    final int length;

    private Ref(long id, boolean bf16, int length) {
      this.id = id;
      this.bf16 = bf16;
      this.length = length;
    }
  }

  private final long budget;
  private final boolean drop;
  private final Path parent;
  private final LinkedHashMap<Long, byte[]> heap = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<Long, long[]> spilled = new HashMap<>();
  private long heapBytes;
  private long nextId;
  private long spillEnd;
  private Path dir;
  private FileChannel file;

  /**
   * @param budget heap bytes kept before spilling
   * @param parent folder for the spill file (null: the system's temporary folder)
   * @param drop forget what exceeds the budget instead of spilling it
   */
  MemoryStore(long budget, Path parent, boolean drop) {
    this.budget = budget;
    this.parent = parent;
    this.drop = drop;
  }

  /** Stores {@code values} rounded to bfloat16 (round to nearest even, as PyTorch's cast). */
  Ref putBf16(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putShort(toBf16(v));
    }
    return put(b.array(), true, values.length);
  }

  /** Stores float32 values. */
  Ref putFloats(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return put(b.array(), false, values.length);
  }

  /** PyTorch's float to bfloat16 ({@code round_to_nearest_even}). */
  static short toBf16(float v) {
    if (Float.isNaN(v)) {
      return (short) 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(v);
    int rounding = ((bits >>> 16) & 1) + 0x7FFF;
    return (short) ((bits + rounding) >>> 16);
  }

  private Ref put(byte[] bytes, boolean bf16, int length) {
    long id = nextId++;
    heap.put(id, bytes);
    heapBytes += bytes.length;
    evict();
    return new Ref(id, bf16, length);
  }

  /** The values (bfloat16 promoted to float32), or null when they were dropped. */
  float[] get(Ref r) {
    byte[] bytes = heap.get(r.id);
    if (bytes == null) {
      long[] at = spilled.remove(r.id);
      if (at == null) {
        return null;
      }
      bytes = read(at[0], (int) at[1]);
      heap.put(r.id, bytes);
      heapBytes += bytes.length;
      evict();
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[r.length];
    if (r.bf16) {
      for (int i = 0; i < out.length; i++) {
        out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
      }
    } else {
      b.asFloatBuffer().get(out);
    }
    return out;
  }

  /** Forgets an array (its output was replaced or removed). */
  void release(Ref r) {
    if (r == null) {
      return;
    }
    byte[] bytes = heap.remove(r.id);
    if (bytes != null) {
      heapBytes -= bytes.length;
    }
    spilled.remove(r.id);
  }

  /** Heap bytes held now. */
  long heapBytes() {
    return heapBytes;
  }

  private void evict() {
    Iterator<Map.Entry<Long, byte[]>> it = heap.entrySet().iterator();
    while (heapBytes > budget && heap.size() > 1 && it.hasNext()) {
      Map.Entry<Long, byte[]> e = it.next();
      byte[] bytes = e.getValue();
      it.remove();
      heapBytes -= bytes.length;
      if (!drop) {
        spilled.put(e.getKey(), new long[] {write(bytes), bytes.length});
      }
    }
  }

  private long write(byte[] bytes) {
    try {
      if (file == null) {
        dir = parent == null ? TempDirs.create("sam4j-track") : Files.createDirectories(parent);
        file = FileChannel.open(Files.createTempFile(dir, "memories", ".spill"),
            StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
      }
      long at = spillEnd;
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        file.write(b, at + b.position());
      }
      spillEnd += bytes.length;
      return at;
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot spill tracking memories to disk ("
          + (dir == null ? "temporary folder" : dir) + "): " + e.getMessage()
          + "; free disk space or raise the tracker's memory budget", e);
    }
  }

  private byte[] read(long at, int n) {
    try {
      ByteBuffer b = ByteBuffer.allocate(n);
      while (b.hasRemaining()) {
        if (file.read(b, at + b.position()) < 0) {
          throw new IOException("unexpected end of the spill file");
        }
      }
      return b.array();
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read spilled tracking memories: "
          + e.getMessage(), e);
    }
  }

  /** Forgets everything. */
  void clear() {
    heap.clear();
    spilled.clear();
    heapBytes = 0;
  }

  @Override
  public void close() {
    clear();
    try {
      if (file != null) {
        file.close();
      }
    } catch (IOException ignored) {
      // the file is deleted on close; nothing else to do
    } finally {
      file = null;
      if (dir != null && parent == null) {
        TempDirs.deleteQuietly(dir);
      }
    }
  }
}
