package io.sam4j.checkpoint;

import static io.sam4j.SamException.Kind.BAD_CHECKPOINT;
import static io.sam4j.SamException.Kind.HOSTILE_CHECKPOINT;

import io.sam4j.SamException;
import io.sam4j.fixtures.Refusal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile-container corpus: zip archives and safetensors headers that lie about sizes and
 * offsets or try to escape their folder. Each is refused with a {@link SamException} naming the
 * problem, allocating nothing in proportion to the claim, touching no file
 * ({@link Refusal#assertRefused}). Each test's name says the threat it covers.
 */
class HostileContainerTest {
  private static final long HUNDRED_GB = 100L << 30;

  @TempDir Path dir;

  private static byte[] pickle() {
    return PickleBytes.stateDict("w", new long[] {2}).bytes();
  }

  private SamException refused(Path file, SamException.Kind kind, String fragment) {
    return Refusal.assertRefused(dir, kind, fragment, () -> CheckpointReader.read(file));
  }

  /**
   * Threat: a gzipped .npy of a few tens of kilobytes that decompresses to 32 MB (a gzip bomb in
   * small): decompression stops at the limit, the content is never held whole.
   */
  @Test
  void gzippedNpyThatDecompressesPastTheLimit() throws IOException {
    Path f = dir.resolve("bomb.npy.gz");
    int zeros = 32 << 20;
    try (java.util.zip.GZIPOutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(npyHeader("|u1", zeros));
      byte[] block = new byte[1 << 20];
      for (int i = 0; i < zeros / block.length; i++) {
        out.write(block);
      }
    }
    Refusal.assertRefused(dir, SamException.Kind.BAD_INPUT,
        "bomb.npy.gz holds more than 8388608 bytes once decompressed",
        () -> Npy.read(f, 8 << 20));
  }

  /** An .npy version 1 header for a 1-D array. */
  private static byte[] npyHeader(String descr, long length) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + length
        + ",), }";
    int total = (10 + dict.length() + 1 + 63) / 64 * 64;
    StringBuilder h = new StringBuilder(dict);
    while (10 + h.length() + 1 < total) {
      h.append(' ');
    }
    h.append('\n');
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    b.put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }

  /** Threat: a zip entry whose headers claim 100 GB in a file of a few hundred bytes. */
  @Test
  void zipEntryClaimingHundredGigabytes() {
    Path f = new ZipBytes().claim("archive/data.pkl", pickle(), HUNDRED_GB)
        .write(dir.resolve("claims.pth"));
    refused(f, BAD_CHECKPOINT, "claims " + HUNDRED_GB + " bytes but the file ends before them");
  }

  /** Threat: a pickle entry that really is 100 GB long (a sparse file): never read into memory. */
  @Test
  void sparsePickleOfHundredGigabytes() {
    Path f = new ZipBytes().sparseEntry("archive/data.pkl", HUNDRED_GB)
        .write(dir.resolve("sparse.pth"));
    refused(f, BAD_CHECKPOINT, "claims " + HUNDRED_GB + " bytes, more than the");
  }

  /** Threat: a storage entry that really is 100 GB long (a sparse file): never mapped. */
  @Test
  void sparseStorageOfHundredGigabytes() {
    long elements = HUNDRED_GB / 4;
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("w").tensor("0", elements, new long[] {elements}, new long[] {1}).op('s').op('.');
    Path f = new ZipBytes().entry("archive/data.pkl", p.bytes())
        .sparseEntry("archive/data/0", HUNDRED_GB).write(dir.resolve("sparse-storage.pth"));
    refused(f, BAD_CHECKPOINT, "a single storage over 2 GiB is not supported");
  }

  /** Threat: a zip directory claiming 65,535 entries in a few bytes, to make a reader loop. */
  @Test
  void zipDirectoryClaimingMoreEntriesThanItHolds() throws IOException {
    Path f = new ZipBytes().entry("archive/data.pkl", pickle()).write(dir.resolve("count.pth"));
    byte[] b = Files.readAllBytes(f);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(b.length - 12, (short) 0xfffe);
    Files.write(f, b);
    refused(f, BAD_CHECKPOINT, "claims 65534 entries");
  }

  /** Threat: entries whose names escape the archive folder (zip slip), in every spelling. */
  @ParameterizedTest
  @ValueSource(strings = {"../evil.pkl", "archive/../../evil.pkl", "archive/data/..",
      "/etc/cron.d/evil", "..\\evil.pkl", "archive\\..\\..\\evil.pkl", "C:/evil.pkl",
      "archive/data/0\0.pkl"})
  void entriesEscapingTheArchive(String name) {
    Path f = new ZipBytes().entry("archive/data.pkl", pickle())
        .entry("archive/data/0", PickleBytes.floats(1, 2)).entry(name, new byte[] {1})
        .write(dir.resolve("slip.pth"));
    refused(f, HOSTILE_CHECKPOINT, "points outside the archive");
  }

  /** Threat: a safetensors header claiming 50 MB in a 100-byte file. */
  @Test
  void safetensorsHeaderLongerThanTheFile() throws IOException {
    Path f = safetensors(50L << 20, "{\"a\":1}", 85);
    refused(f, BAD_CHECKPOINT, "the header claims 52428800 bytes in a 100-byte file");
  }

  /** Threat: safetensors data offsets past the end, before the start, reversed or overflowing. */
  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "[2]; [0, 4000000000]", "[2]; [-8, 0]", "[2]; [8, 0]",
      "[2]; [9223372036854775800, 9223372036854775807]",
      "[4611686018427387904, 4]; [0, 8]"})
  void safetensorsOffsetsOutsideTheData(String shape, String offsets) throws IOException {
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":"
        + offsets + "}}";
    Path f = safetensors(-1, header, 8);
    String expected = shape.equals("[2]") ? "the data section has 8 bytes" : "overflows";
    refused(f, BAD_CHECKPOINT, expected);
  }

  /** Threat: a safetensors header nested 100,000 levels deep, against recursive JSON readers. */
  @Test
  void safetensorsHeaderNestedDeeply() throws IOException {
    String header = "{\"w\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    refused(safetensors(-1, header, 0), BAD_CHECKPOINT, "the JSON header is malformed");
  }

  /**
   * A safetensors file: the 8-byte header length ({@code -1} for the true length), the header,
   * then {@code dataBytes} zero bytes.
   */
  private Path safetensors(long claimedHeaderLength, String header, int dataBytes)
      throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(claimedHeaderLength < 0 ? h.length : claimedHeaderLength).put(h);
    return Files.write(dir.resolve("m.safetensors"), b.array());
  }
}
