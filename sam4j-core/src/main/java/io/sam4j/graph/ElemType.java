package io.sam4j.graph;

/** ONNX tensor element types used by sam4j graphs (values are {@code TensorProto.DataType}). */
public enum ElemType {
  FLOAT(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  INT32(6, 4),
  INT64(7, 8),
  BOOL(9, 1);

  final int onnx;
  final int size;

  ElemType(int onnx, int size) {
    this.onnx = onnx;
    this.size = size;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }
}
