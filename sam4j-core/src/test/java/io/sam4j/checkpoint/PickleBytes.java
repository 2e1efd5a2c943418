package io.sam4j.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

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

  /** A tuple of the ints on the stack since MARK... convenience: tuple of literal ints. */
  PickleBytes intTuple(long... values) {
    op('(');
    for (long v : values) {
      integer((int) v);
    }
    return op('t');
  }

  /**
   * One float tensor: {@code _rebuild_tensor_v2(storage(key, numel), 0, size, stride, False,
   * OrderedDict())}.
   */
  PickleBytes tensor(String key, long numel, long[] size, long[] stride) {
    global("torch._utils", "_rebuild_tensor_v2");
    op('(');
    op('(').str("storage").global("torch", "FloatStorage").str(key).str("cpu").integer((int) numel)
        .op('t').op('Q');
    integer(0);
    intTuple(size);
    intTuple(stride);
    raw(0x89);
    global("collections", "OrderedDict").op(')').op('R');
    op('t');
    return op('R');
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
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        ze.setCrc(crc.getValue());
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
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
