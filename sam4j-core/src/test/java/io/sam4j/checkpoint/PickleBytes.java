package io.sam4j.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes pickle opcodes and torch-style zips by hand, for tests of hostile and broken files. */
final class PickleBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  PickleBytes proto(int v) {
    return raw(0x80, v);
  }

  PickleBytes raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  PickleBytes op(char c) {
    out.write(c);
    return this;
  }

  /** GLOBAL 'module\nname\n'. */
  PickleBytes global(String module, String name) {
    out.write('c');
    text(module + "\n" + name + "\n");
    return this;
  }

  /** BINUNICODE. */
  PickleBytes str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    int32(b.length);
    out.write(b, 0, b.length);
    return this;
  }

  /** BININT. */
  PickleBytes integer(int v) {
    out.write('J');
    return int32(v);
  }

  PickleBytes int32(int v) {
    out.write(v & 0xff);
    out.write((v >> 8) & 0xff);
    out.write((v >> 16) & 0xff);
    out.write((v >> 24) & 0xff);
    return this;
  }

  PickleBytes text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
    return this;
  }

  /** An integer: BININT when it fits 32 bits, else LONG1 with eight little-endian bytes. */
  PickleBytes num(long v) {
    if (v == (int) v) {
      return integer((int) v);
    }
    raw(0x8a, 8);
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
    return this;
  }

  /** A tuple of literal integers. */
  PickleBytes intTuple(long... values) {
    op('(');
    for (long v : values) {
      num(v);
    }
    return op('t');
  }

  /**
   * One float tensor: {@code _rebuild_tensor_v2(storage(key, numel), 0, size, stride, False,
   * OrderedDict())}.
   */
  PickleBytes tensor(String key, long numel, long[] size, long[] stride) {
    return tensor(key, numel, 0, size, stride);
  }

  /** One float tensor starting {@code offset} elements into its storage. */
  PickleBytes tensor(String key, long numel, long offset, long[] size, long[] stride) {
    return tensor("FloatStorage", key, numel, offset, size, stride);
  }

  /** One tensor over a storage of the given torch type ({@code ComplexFloatStorage}, ...). */
  PickleBytes tensor(String storageType, String key, long numel, long offset, long[] size,
      long[] stride) {
    global("torch._utils", "_rebuild_tensor_v2");
    op('(');
    op('(').str("storage").global("torch", storageType).str(key).str("cpu").num(numel)
        .op('t').op('Q');
    num(offset);
    intTuple(size);
    intTuple(stride);
    raw(0x89);
    global("collections", "OrderedDict").op(')').op('R');
    op('t');
    return op('R');
  }

  /** A state dict of one float tensor: {@code OrderedDict(key=tensor)}, then STOP. */
  static PickleBytes stateDict(String key, long[] shape) {
    long[] stride = Tensor.contiguousStrides(shape);
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str(key).tensor("0", Tensor.numel(shape), shape, stride).op('s');
    return p.op('.');
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** A torch.save-style zip: {@code folder/data.pkl}, the given entries, stored uncompressed. */
  static Path torchZip(Path file, String folder, byte[] pickle, Map<String, byte[]> storages) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(folder + "/data.pkl", pickle);
    storages.forEach((k, v) -> entries.put(folder + "/data/" + k, v));
    entries.put(folder + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    return zip(file, entries);
  }

  /** A zip of stored entries. */
  static Path zip(Path file, Map<String, byte[]> entries) {
    ZipBytes z = new ZipBytes();
    entries.forEach(z::entry);
    return z.write(file);
  }

  /** Little-endian float32 bytes. */
  static byte[] floats(float... v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }
}
