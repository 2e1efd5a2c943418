package io.sam4j.graph;

import io.sam4j.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * A built ONNX model: the serialized {@code ModelProto}, and for models whose weights would push
 * the protobuf past its 2 GiB limit, the initializers that live in an external data file next to
 * it (ONNX's external data format, each tensor aligned to 4 KiB so the runtime can map it).
 *
 * @param proto the serialized model, a direct buffer
 * @param external the initializers stored in {@code dataFileName}, with their offsets
 * @param dataFileName the external data file's name, relative to the model file, or null
 * @param weightBytes total size of all initializers
 */
public record OnnxModel(ByteBuffer proto, List<External> external, String dataFileName,
    long weightBytes) {
  /** An initializer stored at {@code offset} of the external data file. */
  public record External(Initializer initializer, long offset) {}

  /** True when some weights are kept out of the protobuf. */
  public boolean hasExternalData() {
    return !external.isEmpty();
  }

  /**
   * Writes the model as {@code dir/fileName} and, when it has external data, the data file beside
   * it; both atomically.
   */
  public void writeTo(Path dir, String fileName) {
    if (hasExternalData()) {
      AtomicFiles.write(dir.resolve(dataFileName), this::writeExternalData);
    }
    AtomicFiles.write(dir.resolve(fileName), out -> {
      WritableByteChannel ch = Channels.newChannel(out);
      ByteBuffer b = proto.duplicate();
      while (b.hasRemaining()) {
        ch.write(b);
      }
    });
  }

  private void writeExternalData(OutputStream out) throws IOException {
    WritableByteChannel ch = Channels.newChannel(out);
    long pos = 0;
    byte[] zeros = new byte[4096];
    for (External e : external) {
      while (pos < e.offset()) {
        int n = (int) Math.min(zeros.length, e.offset() - pos);
        out.write(zeros, 0, n);
        pos += n;
      }
      ByteBuffer b = e.initializer().data();
      out.flush();
      while (b.hasRemaining()) {
        pos += ch.write(b);
      }
    }
  }
}
