package io.sam4j.checkpoint;

import io.sam4j.SamException;
import io.sam4j.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** Reads and writes NumPy {@code .npy} files (version 1 to 3, little-endian, C order). */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** The largest {@code .npy} content {@link #read(Path)} accepts: 1 GiB. */
  public static final long MAX_BYTES = 1L << 30;

  /**
   * Reads a {@code .npy} file, or a gzip of one when the name ends in {@code .gz}, of at most
   * {@link #MAX_BYTES} (decompressed).
   */
  public static Tensor read(Path file) {
    return read(file, MAX_BYTES);
  }

  /**
   * Reads a {@code .npy} file (or a gzip of one) whose content is at most {@code maxBytes}: a
   * small file that decompresses without end is refused once past the limit, not held in memory.
   */
  public static Tensor read(Path file, long maxBytes) {
    int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] all = (file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in)
          .readNBytes(cap + 1);
      if (all.length > cap) {
        throw bad(file.getFileName().toString(), "holds more than " + cap + " bytes"
            + (file.toString().endsWith(".gz") ? " once decompressed" : "")
            + "; it is not an embedding or mask sam4j reads");
      }
      return parse(all, file.getFileName().toString());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the bytes of an {@code .npy} file. */
  public static Tensor parse(byte[] bytes, String source) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10) {
      throw bad(source, "is too short to be an .npy file");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw bad(source, "is not an .npy file (no \\x93NUMPY magic)");
      }
    }
    int major = bytes[6];
    long headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = b.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw bad(source, "is truncated");
      }
      headerLen = b.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw bad(source, "has unsupported .npy version " + major);
    }
    if (headerStart + headerLen > bytes.length) {
      throw bad(source, "has a header longer than the file");
    }
    String header = new String(bytes, headerStart, (int) headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw bad(source, "has a malformed header: " + header.trim());
    }
    DType dtype = DType.fromNumpy(d.group(1));
    if (dtype == null) {
      throw bad(source, "has unsupported dtype '" + d.group(1) + "'");
    }
    if (f.group(1).equals("True")) {
      throw bad(source, "is in Fortran order, which is not supported");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        try {
          long v = Long.parseLong(part.trim().replace("L", ""));
          if (v < 0) {
            throw new NumberFormatException();
          }
          dims.add(v);
        } catch (NumberFormatException e) {
          throw bad(source, "has an invalid shape (" + s.group(1) + ")");
        }
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    int dataStart = (int) (headerStart + headerLen);
    long numel;
    try {
      numel = Tensor.numel(shape);
      if (Math.multiplyExact(numel, dtype.size()) > bytes.length - dataStart) {
        throw bad(source, "is truncated: its shape needs " + numel * dtype.size() + " bytes, it has "
            + (bytes.length - dataStart));
      }
    } catch (ArithmeticException e) {
      throw bad(source, "has a shape that overflows");
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice();
    return Tensor.checked(source, dtype, shape, Tensor.contiguousStrides(shape), 0, data, numel);
  }

  /** Writes float32 data atomically. */
  public static void writeFloats(Path file, float[] data, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    write(file, DType.FLOAT32, shape, b.array());
  }

  /** Writes uint8 data atomically. */
  public static void writeBytes(Path file, byte[] data, long... shape) {
    write(file, DType.UINT8, shape, data);
  }

  /** The bytes of a {@code .npy} file holding float32 data (for archives such as {@code .npz}). */
  public static byte[] floatsToBytes(float[] data, long... shape) {
    if (Tensor.numel(shape) != data.length) {
      throw new IllegalArgumentException("data length " + data.length + " does not match shape");
    }
    byte[] head = header(DType.FLOAT32, shape);
    ByteBuffer b = ByteBuffer.allocate(head.length + data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(head);
    b.asFloatBuffer().put(data);
    return b.array();
  }

  /** Writes raw little-endian element bytes of {@code dtype} atomically. */
  public static void write(Path file, DType dtype, long[] shape, byte[] data) {
    if (Tensor.numel(shape) * dtype.size() != data.length) {
      throw new IllegalArgumentException("data length " + data.length + " does not match shape");
    }
    AtomicFiles.write(file, out -> {
      out.write(header(dtype, shape));
      out.write(data);
    });
  }

  /** The version 1.0 header (magic, version, length, dict, padding to 64 bytes). */
  static byte[] header(DType dtype, long[] shape) {
    StringBuilder sb = new StringBuilder("{'descr': '").append(dtype.numpyDescr())
        .append("', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
    }
    sb.append("), }");
    int total = 10 + sb.length() + 1;
    int pad = (64 - total % 64) % 64;
    sb.append(" ".repeat(pad)).append('\n');
    byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length).put(dict);
    return b.array();
  }

  private static SamException bad(String source, String what) {
    return new SamException(SamException.Kind.BAD_INPUT, source + " " + what);
  }
}
