package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A read-only view of one tensor of a checkpoint: element type, shape, strides and the storage bytes
 * it points into (little-endian, usually memory-mapped from the file, never copied on load).
 */
public final class Tensor {
  private final DType dtype;
  private final long[] shape;
  private final long[] strides;
  private final long offset;
  private final ByteBuffer storage;

  /**
   * Creates a view; the caller has checked that every element lies inside {@code storage}.
   *
   * @param storage the whole storage, positioned at 0
   * @param offset offset of the first element, in elements
   */
  Tensor(DType dtype, long[] shape, long[] strides, long offset, ByteBuffer storage) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.strides = strides.clone();
    this.offset = offset;
    this.storage = storage.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A contiguous float32 tensor over a copy of {@code data}. */
  public static Tensor ofFloats(float[] data, long... shape) {
    long n = numel(shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, not " + data.length);
    }
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return new Tensor(DType.FLOAT32, shape, contiguousStrides(shape), 0, b);
  }

  /**
   * A contiguous complex64 tensor over a copy of {@code interleaved}: real and imaginary parts of
   * each element in turn, {@code 2 * numel(shape)} values.
   */
  public static Tensor ofComplex(float[] interleaved, long... shape) {
    long n = numel(shape);
    if (2 * n != interleaved.length) {
      throw new IllegalArgumentException("complex shape " + Arrays.toString(shape) + " holds "
          + n + " values, " + 2 * n + " floats, not " + interleaved.length);
    }
    ByteBuffer b = ByteBuffer.allocate(interleaved.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(interleaved);
    return new Tensor(DType.COMPLEX64, shape, contiguousStrides(shape), 0, b);
  }

  /**
   * Checks that a tensor with this shape, strides and offset fits in a storage of {@code
   * storageElements} elements, with overflow-safe arithmetic, and creates the view.
   */
  static Tensor checked(
      String name,
      DType dtype,
      long[] shape,
      long[] strides,
      long offset,
      ByteBuffer storage,
      long storageElements) {
    if (shape.length != strides.length) {
      throw bad(name, "has " + shape.length + " sizes but " + strides.length + " strides");
    }
    if (offset < 0) {
      throw bad(name, "has a negative storage offset " + offset);
    }
    long last = offset;
    boolean empty = false;
    try {
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] < 0 || strides[i] < 0) {
          throw bad(name, "has a negative size or stride " + Arrays.toString(shape) + " / "
              + Arrays.toString(strides));
        }
        if (shape[i] == 0) {
          empty = true;
        } else {
          last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, strides[i]));
        }
      }
      numel(shape);
    } catch (ArithmeticException e) {
      throw bad(name, "has sizes or strides that overflow: " + Arrays.toString(shape));
    }
    if (!empty && last >= storageElements) {
      throw bad(name, "reaches element " + last + " but its storage holds only " + storageElements
          + " elements (the file is truncated or corrupt)");
    }
    if ((long) storage.capacity() < storageElements * dtype.size()) {
      throw bad(name, "claims " + storageElements + " elements but its storage has only "
          + storage.capacity() + " bytes (the file is truncated or corrupt)");
    }
    return new Tensor(dtype, shape, strides, offset, storage);
  }

  private static SamException bad(String name, String what) {
    return new SamException(SamException.Kind.BAD_CHECKPOINT, "tensor '" + name + "' " + what);
  }

  /** Row-major strides for a shape. */
  public static long[] contiguousStrides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc = Math.multiplyExact(acc, Math.max(shape[i], 1));
    }
    return s;
  }

  /** Number of elements of a shape (overflow-checked). */
  public static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public DType dtype() {
    return dtype;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** Size of dimension {@code i}; negative {@code i} counts from the end. */
  public int dim(int i) {
    int k = i < 0 ? shape.length + i : i;
    return Math.toIntExact(shape[k]);
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Number of elements. */
  public long numel() {
    return numel(shape);
  }

  /** True when the elements are stored row-major without gaps. */
  public boolean isContiguous() {
    long acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && strides[i] != acc) {
        return false;
      }
      acc *= shape[i];
    }
    return true;
  }

  /**
   * The bytes of a contiguous tensor, little-endian, without copying; null when the tensor is not
   * contiguous.
   */
  public ByteBuffer contiguousBytes() {
    if (!isContiguous()) {
      return null;
    }
    if (numel() == 0) {
      // an empty tensor may start anywhere, even past the end of its storage (as in PyTorch)
      return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    long start = offset * dtype.size();
    long len = numel() * dtype.size();
    return storage.duplicate().position(Math.toIntExact(start)).limit(Math.toIntExact(start + len))
        .slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * All elements converted to float, in row-major order. A complex tensor gives its real and
   * imaginary parts interleaved: {@code 2 * numel()} values, the layout of {@code
   * torch.view_as_real} (shape {@code [..., 2]}).
   */
  public float[] toFloatArray() {
    int per = dtype.isComplex() ? 2 : 1;
    int n = Math.toIntExact(numel());
    float[] out = new float[Math.multiplyExact(n, per)];
    if ((dtype == DType.FLOAT32 || dtype == DType.COMPLEX64) && isContiguous()) {
      contiguousBytes().asFloatBuffer().get(out);
      return out;
    }
    long[] idx = new long[shape.length];
    for (int i = 0; i < n; i++) {
      long pos = offset;
      for (int d = 0; d < shape.length; d++) {
        pos += idx[d] * strides[d];
      }
      int at = Math.toIntExact(pos * dtype.size());
      if (per == 2) {
        out[2 * i] = storage.getFloat(at);
        out[2 * i + 1] = storage.getFloat(at + 4);
      } else {
        out[i] = readAsFloat(at);
      }
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return out;
  }

  private float readAsFloat(int byteIndex) {
    switch (dtype) {
      case FLOAT32: return storage.getFloat(byteIndex);
      case FLOAT64: return (float) storage.getDouble(byteIndex);
      case FLOAT16: return halfToFloat(storage.getShort(byteIndex));
      case BFLOAT16: return Float.intBitsToFloat((storage.getShort(byteIndex) & 0xffff) << 16);
      case INT64: return storage.getLong(byteIndex);
      case INT32: return storage.getInt(byteIndex);
      case INT16: return storage.getShort(byteIndex);
      case INT8: return storage.get(byteIndex);
      case UINT8: return storage.get(byteIndex) & 0xff;
      case BOOL: return storage.get(byteIndex) != 0 ? 1f : 0f;
      default: throw new AssertionError(dtype);
    }
  }

  /** IEEE 754 half precision to float. */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  @Override
  public String toString() {
    return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
