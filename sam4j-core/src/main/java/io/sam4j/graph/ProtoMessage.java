package io.sam4j.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message under construction: fields are appended in order, the encoded size is known
 * before writing, and large byte fields (weights) are written straight from their buffers. Just
 * enough of the wire format for ONNX.
 */
final class ProtoMessage {
  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int LEN = 2;

  private final List<Object> fields = new ArrayList<>();
  private long size = -1;

  private record Field(int number, int wireType, long varint, Object payload) {}

  ProtoMessage varint(int number, long value) {
    fields.add(new Field(number, VARINT, value, null));
    return this;
  }

  ProtoMessage fixed32(int number, float value) {
    fields.add(new Field(number, FIXED32, Float.floatToRawIntBits(value), null));
    return this;
  }

  ProtoMessage string(int number, String value) {
    fields.add(new Field(number, LEN, 0, value.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  ProtoMessage bytes(int number, ByteBuffer value) {
    fields.add(new Field(number, LEN, 0, value.duplicate()));
    return this;
  }

  /** A bytes field whose content is produced only while writing (it must have {@code size} bytes). */
  ProtoMessage lazyBytes(int number, long size, java.util.function.Supplier<ByteBuffer> value) {
    fields.add(new Field(number, LEN, 0, new Lazy(size, value)));
    return this;
  }

  private record Lazy(long size, java.util.function.Supplier<ByteBuffer> value) {}

  ProtoMessage message(int number, ProtoMessage value) {
    fields.add(new Field(number, LEN, 0, value));
    return this;
  }

  /** A packed repeated int64 field. */
  ProtoMessage packedVarints(int number, long[] values) {
    ProtoMessage inner = new ProtoMessage();
    for (long v : values) {
      inner.fields.add(new Field(0, -1, v, null));
    }
    fields.add(new Field(number, LEN, 0, inner));
    return this;
  }

  /** Encoded size in bytes. */
  long size() {
    if (size < 0) {
      long s = 0;
      for (Object o : fields) {
        Field f = (Field) o;
        if (f.wireType() == -1) {
          s += varintSize(f.varint());
          continue;
        }
        s += varintSize(((long) f.number() << 3) | f.wireType());
        switch (f.wireType()) {
          case VARINT: s += varintSize(f.varint()); break;
          case FIXED32: s += 4; break;
          default: {
            long len = payloadSize(f.payload());
            s += varintSize(len) + len;
          }
        }
      }
      size = s;
    }
    return size;
  }

  /** Writes the encoded message to {@code out}. */
  void writeTo(ByteBuffer out) {
    for (Object o : fields) {
      Field f = (Field) o;
      if (f.wireType() == -1) {
        writeVarint(out, f.varint());
        continue;
      }
      writeVarint(out, ((long) f.number() << 3) | f.wireType());
      switch (f.wireType()) {
        case VARINT: writeVarint(out, f.varint()); break;
        case FIXED32: out.putInt((int) f.varint()); break;
        default: {
          Object p = f.payload();
          writeVarint(out, payloadSize(p));
          if (p instanceof byte[] b) {
            out.put(b);
          } else if (p instanceof ByteBuffer bb) {
            out.put(bb.duplicate());
          } else if (p instanceof Lazy lazy) {
            out.put(lazy.value().get().duplicate());
          } else {
            ((ProtoMessage) p).writeTo(out);
          }
        }
      }
    }
  }

  private static long payloadSize(Object p) {
    if (p instanceof byte[] b) {
      return b.length;
    }
    if (p instanceof ByteBuffer bb) {
      return bb.remaining();
    }
    if (p instanceof Lazy lazy) {
      return lazy.size();
    }
    return ((ProtoMessage) p).size();
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static void writeVarint(ByteBuffer out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }
}
