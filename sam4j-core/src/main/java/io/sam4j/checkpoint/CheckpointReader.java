package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens any supported checkpoint file by looking at its first bytes, not its name. */
public final class CheckpointReader {
  private CheckpointReader() {}

  /**
   * Reads the state dict of a PyTorch zip ({@code .pth}, {@code .pt}) or safetensors file.
   *
   * @throws SamException with a message that says what the file is and what to do
   */
  public static StateDict read(Path file) {
    if (!Files.exists(file)) {
      throw new SamException(SamException.Kind.IO, "model file " + file + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new SamException(SamException.Kind.IO, "model file " + file + " is a directory");
    }
    String name = file.getFileName().toString();
    ByteBuffer head = ByteBuffer.allocate(16);
    long size;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      while (head.hasRemaining() && ch.read(head) >= 0) {
        // fill the first bytes
      }
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    head.flip();
    if (size == 0) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT, name + " is empty (0 bytes)");
    }
    if (head.remaining() >= 4 && head.get(0) == 'P' && head.get(1) == 'K') {
      return TorchCheckpoint.read(file);
    }
    if (Safetensors.looksLike(head.duplicate(), size)) {
      return Safetensors.read(file);
    }
    if ((head.get(0) & 0xff) == 0x80) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, name + " is a bare pickle (the"
          + " legacy torch.save format from before PyTorch 1.6); load and save it again with a"
          + " recent PyTorch to get the zip format");
    }
    throw new SamException(SamException.Kind.BAD_CHECKPOINT, name + " is not a model checkpoint:"
        + " expected a PyTorch .pth/.pt (zip) or a .safetensors file, but its first bytes are "
        + describe(head));
  }

  private static String describe(ByteBuffer head) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, head.remaining()); i++) {
      sb.append(String.format("%02x ", head.get(i) & 0xff));
    }
    return sb.toString().trim();
  }
}
