package io.sam4j.checkpoint;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The central directory of a zip file, read without trusting it: every offset and size is checked
 * against the file before use, names that escape the archive are refused, and stored entries are
 * memory-mapped instead of copied. This is the container {@code torch.save} writes.
 */
final class ZipArchive {
  private static final int EOCD_SIG = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int CENTRAL_SIG = 0x02014b50;
  private static final int LOCAL_SIG = 0x04034b50;
  private static final long MAX_CENTRAL_DIRECTORY = 256L << 20;

  /** One stored member: where its bytes are in the file. */
  record Entry(String name, long dataOffset, long size, int method) {}

  private final FileChannel channel;
  private final long fileSize;
  private final String source;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private ZipArchive(FileChannel channel, String source) throws IOException {
    this.channel = channel;
    this.fileSize = channel.size();
    this.source = source;
  }

  /** Reads the directory of the zip open on {@code channel}. */
  static ZipArchive open(FileChannel channel, String source) throws IOException {
    ZipArchive z = new ZipArchive(channel, source);
    z.readDirectory();
    return z;
  }

  Map<String, Entry> entries() {
    return entries;
  }

  /** The bytes of an entry, memory-mapped (or read, when small). */
  ByteBuffer map(Entry e) throws IOException {
    if (e.method() != 0) {
      throw bad("entry '" + e.name() + "' is compressed (method " + e.method()
          + "); PyTorch writes checkpoints uncompressed: re-save it with torch.save");
    }
    if (e.size() > Integer.MAX_VALUE) {
      throw bad("entry '" + e.name() + "' is " + e.size() + " bytes; a single storage over 2 GiB"
          + " is not supported");
    }
    if (e.size() < 4096) {
      return read(e.dataOffset(), (int) e.size());
    }
    return channel.map(FileChannel.MapMode.READ_ONLY, e.dataOffset(), e.size())
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Reads an entry fully into the heap; refuses entries over {@code limit} bytes. */
  byte[] readAll(Entry e, long limit) throws IOException {
    if (e.size() > limit) {
      throw bad("entry '" + e.name() + "' claims " + e.size() + " bytes, more than the " + limit
          + " allowed for it");
    }
    ByteBuffer b = map(e);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private void readDirectory() throws IOException {
    if (fileSize < 22) {
      throw bad("the file is " + fileSize + " bytes, too short to be a zip archive");
    }
    int tailLen = (int) Math.min(fileSize, 22 + 65535);
    ByteBuffer tail = read(fileSize - tailLen, tailLen);
    int eocd = -1;
    for (int i = tailLen - 22; i >= 0; i--) {
      if (tail.getInt(i) == EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw bad("no zip end-of-directory record: the file is truncated or not a zip archive");
    }
    long count = tail.getShort(eocd + 10) & 0xffff;
    long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
    long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
    long eocdPos = fileSize - tailLen + eocd;
    if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
      if (eocdPos < 20) {
        throw bad("zip64 locator missing");
      }
      ByteBuffer loc = read(eocdPos - 20, 20);
      if (loc.getInt(0) != ZIP64_LOCATOR_SIG) {
        throw bad("zip64 locator missing");
      }
      long z64 = loc.getLong(8);
      if (z64 < 0 || z64 + 56 > fileSize) {
        throw bad("zip64 end record lies outside the file");
      }
      ByteBuffer rec = read(z64, 56);
      if (rec.getInt(0) != ZIP64_EOCD_SIG) {
        throw bad("zip64 end record has a wrong signature");
      }
      count = rec.getLong(32);
      cdSize = rec.getLong(40);
      cdOffset = rec.getLong(48);
    }
    if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > fileSize || cdOffset + cdSize < 0) {
      throw bad("the zip directory lies outside the file (truncated download?)");
    }
    if (cdSize > MAX_CENTRAL_DIRECTORY || count < 0 || count > cdSize / 46) {
      throw bad("the zip directory claims " + count + " entries in " + cdSize + " bytes");
    }
    ByteBuffer cd = read(cdOffset, (int) cdSize);
    int p = 0;
    for (long i = 0; i < count; i++) {
      if (p + 46 > cd.limit() || cd.getInt(p) != CENTRAL_SIG) {
        throw bad("zip directory entry " + i + " is malformed");
      }
      int method = cd.getShort(p + 10) & 0xffff;
      long csize = cd.getInt(p + 20) & 0xffffffffL;
      long usize = cd.getInt(p + 24) & 0xffffffffL;
      int nameLen = cd.getShort(p + 28) & 0xffff;
      int extraLen = cd.getShort(p + 30) & 0xffff;
      int commentLen = cd.getShort(p + 32) & 0xffff;
      long localOffset = cd.getInt(p + 42) & 0xffffffffL;
      if (p + 46 + nameLen + extraLen + commentLen > cd.limit()) {
        throw bad("zip directory entry " + i + " runs past the directory");
      }
      byte[] nameBytes = new byte[nameLen];
      cd.get(p + 46, nameBytes);
      String name = new String(nameBytes, java.nio.charset.StandardCharsets.UTF_8);
      int ep = p + 46 + nameLen;
      int eEnd = ep + extraLen;
      while (ep + 4 <= eEnd) {
        int id = cd.getShort(ep) & 0xffff;
        int fieldEnd = ep + 4 + (cd.getShort(ep + 2) & 0xffff);
        if (fieldEnd > eEnd) {
          throw bad("zip directory entry " + i + " has an extra field running past its end");
        }
        int q = ep + 4;
        if (id == 1) {
          if (usize == 0xffffffffL && q + 8 <= fieldEnd) {
            usize = cd.getLong(q);
            q += 8;
          }
          if (csize == 0xffffffffL && q + 8 <= fieldEnd) {
            csize = cd.getLong(q);
            q += 8;
          }
          if (localOffset == 0xffffffffL && q + 8 <= fieldEnd) {
            localOffset = cd.getLong(q);
          }
        }
        ep = fieldEnd;
      }
      checkName(name);
      entries.put(name, locate(name, method, csize, usize, localOffset));
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  private Entry locate(String name, int method, long csize, long usize, long localOffset)
      throws IOException {
    if (localOffset < 0 || localOffset + 30 > fileSize) {
      throw bad("entry '" + name + "' starts outside the file (truncated download?)");
    }
    ByteBuffer lh = read(localOffset, 30);
    if (lh.getInt(0) != LOCAL_SIG) {
      throw bad("entry '" + name + "' has no local header where the directory says");
    }
    long data = localOffset + 30 + (lh.getShort(26) & 0xffff) + (lh.getShort(28) & 0xffff);
    if (method == 0 && csize != usize) {
      throw bad("stored entry '" + name + "' has different sizes " + csize + " and " + usize);
    }
    if (csize < 0 || data + csize > fileSize || data + csize < 0) {
      throw bad("entry '" + name + "' claims " + usize + " bytes but the file ends before them"
          + " (the file is truncated: download it again)");
    }
    return new Entry(name, data, csize, method);
  }

  private void checkName(String name) {
    String n = name.replace('\\', '/');
    if (n.startsWith("/") || n.equals("..") || n.startsWith("../") || n.contains("/../")
        || n.endsWith("/..") || n.indexOf('\0') >= 0 || (n.length() > 1 && n.charAt(1) == ':')) {
      throw new SamException(SamException.Kind.HOSTILE_CHECKPOINT,
          source + ": zip entry '" + name + "' points outside the archive; refusing the file");
    }
    if (entries.containsKey(name)) {
      throw bad("zip entry '" + name + "' appears twice");
    }
  }

  private ByteBuffer read(long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int n = channel.read(b, position + b.position());
      if (n < 0) {
        throw bad("unexpected end of file at byte " + (position + b.position()));
      }
    }
    return b.flip();
  }

  private SamException bad(String what) {
    return new SamException(SamException.Kind.BAD_CHECKPOINT, source + ": " + what);
  }
}
