package io.sam4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the safetensors format: an 8-byte little-endian header length, a JSON header, then the raw
 * tensor bytes. Every offset is checked against the file; tensor bytes are memory-mapped.
 */
public final class Safetensors {
  private static final long MAX_HEADER = 100L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Safetensors() {}

  /** True when the first bytes look like a safetensors header. */
  static boolean looksLike(ByteBuffer head, long fileSize) {
    if (head.remaining() < 9) {
      return false;
    }
    long n = head.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    return n > 1 && n <= MAX_HEADER && head.get(8) == '{';
  }

  /** Reads all tensors of a safetensors file. */
  public static StateDict read(Path file) {
    String source = file.getFileName().toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, source);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw bad(source, "the header claims " + headerLen + " bytes in a " + size + "-byte file");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8, source);
      JsonNode root;
      try {
        root = JSON.readTree(header.array());
      } catch (IOException e) {
        throw bad(source, "the JSON header is malformed: " + e.getMessage());
      }
      if (root == null || !root.isObject()) {
        throw bad(source, "the header is not a JSON object");
      }
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        tensors.put(e.getKey(), tensor(ch, e.getKey(), e.getValue(), dataStart, dataLen, source));
      }
      return new StateDict(tensors, "safetensors");
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, source + ": cannot read the file: " + e.getMessage(), e);
    }
  }

  private static Tensor tensor(FileChannel ch, String name, JsonNode info, long dataStart,
      long dataLen, String source) throws IOException {
    DType dtype = DType.fromSafetensors(info.path("dtype").asText(""));
    if (dtype == null) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
          source + ": tensor '" + name + "' has unsupported dtype '" + info.path("dtype").asText() + "'");
    }
    JsonNode shapeNode = info.path("shape");
    JsonNode offs = info.path("data_offsets");
    if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
      throw bad(source, "tensor '" + name + "' lacks a shape or data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
        throw bad(source, "tensor '" + name + "' has an invalid shape");
      }
      shape[i] = shapeNode.get(i).asLong();
    }
    long begin = offs.get(0).asLong(-1);
    long end = offs.get(1).asLong(-1);
    if (begin < 0 || end < begin || end > dataLen) {
      throw bad(source, "tensor '" + name + "' claims bytes " + begin + ".." + end + " but the data"
          + " section has " + dataLen + " bytes (the file is truncated or corrupt)");
    }
    long numel;
    try {
      numel = Tensor.numel(shape);
      if (Math.multiplyExact(numel, dtype.size()) != end - begin) {
        throw bad(source, "tensor '" + name + "' has " + (end - begin) + " bytes, not the "
            + numel * dtype.size() + " its shape needs");
      }
    } catch (ArithmeticException e) {
      throw bad(source, "tensor '" + name + "' has a shape that overflows");
    }
    if (end - begin > Integer.MAX_VALUE) {
      throw bad(source, "tensor '" + name + "' is over 2 GiB");
    }
    ByteBuffer bytes = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
    return Tensor.checked(name, dtype, shape, Tensor.contiguousStrides(shape), 0, bytes, numel);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, String source)
      throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw bad(source, "the file ends inside its header (truncated)");
      }
    }
  }

  private static SamException bad(String source, String what) {
    return new SamException(SamException.Kind.BAD_CHECKPOINT, source + ": " + what);
  }
}
