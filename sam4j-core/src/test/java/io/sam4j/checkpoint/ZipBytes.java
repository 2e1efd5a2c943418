package io.sam4j.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes zip files field by field, including what a zip library refuses to write: names that
 * escape the archive, sizes that lie, and sparse entries of many gigabytes that take no disk space.
 * Stored (uncompressed) entries only, as {@code torch.save} writes them; zip64 records are added
 * where a size or offset needs them.
 *
 * <pre>{@code
 * new ZipBytes().entry("archive/data.pkl", pickle).sparseEntry("archive/data/0", 100L << 30)
 *     .write(dir.resolve("huge.pth"));
 * }</pre>
 */
final class ZipBytes {
  private static final long MAX32 = 0xffffffffL;

  /** One entry: its real bytes (or a gap of {@code sparse} zero bytes) and the size it claims. */
  private record Item(String name, byte[] data, long sparse, long claimed) {}

  private final List<Item> items = new ArrayList<>();

  /** A stored entry with honest sizes. */
  ZipBytes entry(String name, byte[] data) {
    return claim(name, data, data.length);
  }

  /** A stored entry holding {@code data} whose headers claim {@code claimedSize} bytes. */
  ZipBytes claim(String name, byte[] data, long claimedSize) {
    items.add(new Item(name, data, 0, claimedSize));
    return this;
  }

  /** A stored entry of {@code size} zero bytes that are never written (a hole in the file). */
  ZipBytes sparseEntry(String name, long size) {
    items.add(new Item(name, new byte[0], size, size));
    return this;
  }

  /** Writes the zip to {@code file} and returns it. */
  Path write(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      long pos = 0;
      List<Long> offsets = new ArrayList<>();
      for (Item it : items) {
        offsets.add(pos);
        byte[] name = it.name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer local = le(30 + name.length + it.data().length);
        local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0)
            .putInt(0).putInt((int) crc(it.data())).putInt(small(it.claimed()))
            .putInt(small(it.claimed())).putShort((short) name.length).putShort((short) 0)
            .put(name).put(it.data());
        pos += put(ch, local, pos) + it.sparse();
      }
      long cdOffset = pos;
      for (int i = 0; i < items.size(); i++) {
        pos += put(ch, central(items.get(i), offsets.get(i)), pos);
      }
      long cdSize = pos - cdOffset;
      boolean zip64 = cdOffset >= MAX32 || cdSize >= MAX32;
      if (zip64) {
        ByteBuffer rec = le(56 + 20);
        rec.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0)
            .putInt(0).putLong(items.size()).putLong(items.size()).putLong(cdSize)
            .putLong(cdOffset);
        rec.putInt(0x07064b50).putInt(0).putLong(pos).putInt(1);
        pos += put(ch, rec, pos);
      }
      ByteBuffer end = le(22);
      end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
          .putShort((short) items.size()).putShort((short) items.size()).putInt(small(cdSize))
          .putInt(zip64 ? -1 : (int) cdOffset).putShort((short) 0);
      put(ch, end, pos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static ByteBuffer central(Item it, long offset) {
    byte[] name = it.name().getBytes(StandardCharsets.UTF_8);
    ByteBuffer extra = le(28);
    for (long v : new long[] {it.claimed(), it.claimed(), offset}) {
      if (v >= MAX32) {
        extra.putLong(v);
      }
    }
    int extraLen = extra.position() == 0 ? 0 : extra.position() + 4;
    ByteBuffer c = le(46 + name.length + extraLen);
    c.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0)
        .putShort((short) 0).putInt(0).putInt((int) crc(it.data())).putInt(small(it.claimed()))
        .putInt(small(it.claimed())).putShort((short) name.length).putShort((short) extraLen)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
        .putInt(small(offset)).put(name);
    if (extraLen > 0) {
      c.putShort((short) 1).putShort((short) (extraLen - 4)).put(extra.flip());
    }
    return c;
  }

  /** A 32-bit size field: the value, or 0xffffffff when the zip64 extra field holds it. */
  private static int small(long v) {
    return v >= MAX32 ? -1 : (int) v;
  }

  private static long crc(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return crc.getValue();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int put(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    b.flip();
    int n = b.remaining();
    while (b.hasRemaining()) {
      ch.write(b, pos + n - b.remaining());
    }
    return n;
  }
}
