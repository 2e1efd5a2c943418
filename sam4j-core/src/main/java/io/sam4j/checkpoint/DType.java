package io.sam4j.checkpoint;

import java.util.Locale;

/**
 * Element types that checkpoints store. {@link #COMPLEX64} (PyTorch's {@code ComplexFloatStorage},
 * numpy {@code <c8}) holds a float32 real and a float32 imaginary part per element, interleaved.
 */
public enum DType {
  FLOAT32(4, "<f4", "F32", "FloatStorage"),
  FLOAT64(8, "<f8", "F64", "DoubleStorage"),
  FLOAT16(2, "<f2", "F16", "HalfStorage"),
  BFLOAT16(2, null, "BF16", "BFloat16Storage"),
  INT64(8, "<i8", "I64", "LongStorage"),
  INT32(4, "<i4", "I32", "IntStorage"),
  INT16(2, "<i2", "I16", "ShortStorage"),
  INT8(1, "|i1", "I8", "CharStorage"),
  UINT8(1, "|u1", "U8", "ByteStorage"),
  BOOL(1, "|b1", "BOOL", "BoolStorage"),
  COMPLEX64(8, "<c8", "C64", "ComplexFloatStorage");

  private final int size;
  private final String numpyDescr;
  private final String safetensorsName;
  private final String torchStorage;

  DType(int size, String numpyDescr, String safetensorsName, String torchStorage) {
    this.size = size;
    this.numpyDescr = numpyDescr;
    this.safetensorsName = safetensorsName;
    this.torchStorage = torchStorage;
  }

  /** True for complex types, whose elements are (real, imaginary) pairs. */
  public boolean isComplex() {
    return this == COMPLEX64;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** The numpy {@code descr} string (little-endian), or null when numpy has no such type. */
  public String numpyDescr() {
    return numpyDescr;
  }

  /** The dtype for a torch storage class name such as {@code FloatStorage}, or null. */
  public static DType fromTorchStorage(String name) {
    for (DType t : values()) {
      if (t.torchStorage.equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The dtype for a safetensors dtype string such as {@code F32}, or null. */
  public static DType fromSafetensors(String name) {
    for (DType t : values()) {
      if (t.safetensorsName.equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The dtype for a numpy descr such as {@code <f4} (or {@code |u1}, {@code u1}), or null. */
  public static DType fromNumpy(String descr) {
    String d = descr.toLowerCase(Locale.ROOT);
    if (d.length() == 2) {
      d = (d.endsWith("1") ? "|" : "<") + d;
    }
    if (d.startsWith("=")) {
      d = "<" + d.substring(1);
    }
    for (DType t : values()) {
      if (d.equals(t.numpyDescr)) {
        return t;
      }
    }
    if (d.equals("<u1") || d.equals("<i1") || d.equals("<b1")) {
      return fromNumpy("|" + d.substring(1));
    }
    return null;
  }
}
