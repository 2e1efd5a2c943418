package io.sam4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading real and hand-made checkpoints, and refusing truncated and foreign files. Hostile files
 * are in {@link HostilePickleTest} and {@link HostileContainerTest}.
 */
class CheckpointReaderTest {
  @TempDir Path dir;

  @Test
  void readsHandMadeStateDict() {
    byte[] pkl = PickleBytes.stateDict("layer.weight", new long[] {2, 3}).bytes();
    Path f = PickleBytes.torchZip(dir.resolve("m.pth"), "archive", pkl,
        Map.of("0", PickleBytes.floats(1, 2, 3, 4, 5, 6)));
    StateDict sd = CheckpointReader.read(f);
    assertEquals(1, sd.size());
    Tensor t = sd.get("layer.weight");
    assertArrayEquals(new long[] {2, 3}, t.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
    assertEquals("pytorch-zip", sd.format());
  }

  @Test
  void readsTransposedViewsThroughStrides() {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("t").tensor("0", 6, new long[] {3, 2}, new long[] {1, 3}).op('s').op('.');
    Path f = PickleBytes.torchZip(dir.resolve("t.pth"), "x", p.bytes(),
        Map.of("0", PickleBytes.floats(1, 2, 3, 4, 5, 6)));
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, CheckpointReader.read(f).get("t").toFloatArray());
  }

  @Test
  void readsFixtureCheckpointsWithAllTensors() {
    StateDict sd = CheckpointReader.read(Fixtures.checkpoint(Fixtures.Model.MOBILESAM));
    assertEquals(439, sd.size());
    Tensor head = sd.get("image_encoder.head.weight");
    assertArrayEquals(new long[] {1000, 320}, head.shape());
    assertEquals(DType.INT64,
        sd.get("image_encoder.patch_embed.seq.0.bn.num_batches_tracked").dtype());
  }

  @Test
  void refusesTruncatedCheckpoint() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.checkpoint(Fixtures.Model.TINY));
    Path f = dir.resolve("half.pth");
    Files.write(f, Arrays.copyOf(full, full.length / 2));
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void refusesFileThatIsNotACheckpoint() {
    Path jpeg = Fixtures.imageFile("dog.jpg");
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(jpeg));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("not a model checkpoint"), e.getMessage());
  }

  @Test
  void refusesZipThatIsNotACheckpoint() {
    Path f = PickleBytes.zip(dir.resolve("photos.zip"), Map.of("a.txt", new byte[] {1, 2}));
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertTrue(e.getMessage().contains("not a PyTorch checkpoint"), e.getMessage());
  }

  @Test
  void refusesMissingAndEmptyFiles() throws IOException {
    SamException missing = assertThrows(SamException.class,
        () -> CheckpointReader.read(dir.resolve("nope.pth")));
    assertEquals(SamException.Kind.IO, missing.kind());
    assertTrue(missing.getMessage().contains("does not exist"));
    Path empty = Files.createFile(dir.resolve("empty.pth"));
    assertTrue(assertThrows(SamException.class, () -> CheckpointReader.read(empty))
        .getMessage().contains("empty"));
  }

  @Test
  void refusesStorageShorterThanItsTensor() {
    byte[] pkl = PickleBytes.stateDict("w", new long[] {4, 4}).bytes();
    Path f = PickleBytes.torchZip(dir.resolve("short.pth"), "archive", pkl,
        Map.of("0", PickleBytes.floats(1, 2, 3)));
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
  }

  @Test
  void refusesMissingStorage() {
    byte[] pkl = PickleBytes.stateDict("w", new long[] {2}).bytes();
    Path f = PickleBytes.torchZip(dir.resolve("nostorage.pth"), "archive", pkl, Map.of());
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertTrue(e.getMessage().contains("no entry archive/data/0"), e.getMessage());
  }

  @Test
  void readsWrappedStateDict() {
    PickleBytes p = new PickleBytes().proto(2).op('}').str("model");
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("a.weight").tensor("0", 2, new long[] {2}, new long[] {1}).op('s');
    p.op('s').str("epoch").integer(3).op('s').op('.');
    Path f = PickleBytes.torchZip(dir.resolve("wrapped.pt"), "archive", p.bytes(),
        Map.of("0", PickleBytes.floats(7, 8)));
    assertArrayEquals(new float[] {7, 8}, CheckpointReader.read(f).get("a.weight").toFloatArray());
  }

  /** Fuzzing regression: a text float that Java cannot parse escaped as NumberFormatException. */
  @Test
  void refusesMalformedTextFloat() {
    byte[] pkl = new PickleBytes().proto(2).op('F').text("1.5.5\n").op('.').bytes();
    Path f = PickleBytes.torchZip(dir.resolve("float.pth"), "archive", pkl, Map.of());
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("malformed float"), e.getMessage());
  }

  /** Fuzzing regression: a text memo index over 64 bits escaped as ArithmeticException. */
  @Test
  void refusesMemoIndexBeyondSixtyFourBits() {
    byte[] pkl = new PickleBytes().proto(2).op('N').op('p').text("99999999999999999999\n")
        .op('.').bytes();
    Path f = PickleBytes.torchZip(dir.resolve("memo.pth"), "archive", pkl, Map.of());
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertTrue(e.getMessage().contains("memo index 99999999999999999999"), e.getMessage());
  }

  /**
   * Fuzzing regression: a zip64 extra field claiming more bytes than its directory entry has was
   * read past the end of the directory (IndexOutOfBoundsException).
   */
  @Test
  void refusesZipExtraFieldRunningPastItsEntry() throws IOException {
    Path f = new ZipBytes().claim("archive/data.pkl", new byte[] {'.'}, 5L << 30)
        .write(dir.resolve("extra.pth"));
    byte[] b = Files.readAllBytes(f);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = b.length - 22;
    int central = bb.getInt(eocd + 16);
    bb.putShort(central + 30, (short) 4); // the entry keeps the field's header, not its 16 bytes
    bb.putInt(eocd + 12, bb.getInt(eocd + 12) - 16); // and the directory ends there
    Files.write(f, b);
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertTrue(e.getMessage().contains("extra field running past its end"), e.getMessage());
  }

  /**
   * Fuzzing regression: an empty tensor may start past the end of its storage (PyTorch allows
   * it); reading it threw IllegalArgumentException from a buffer position.
   */
  @Test
  void readsEmptyTensorStartingPastItsStorage() {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("empty").tensor("0", 2, 33_554_432, new long[] {0}, new long[] {1}).op('s').op('.');
    Path f = PickleBytes.torchZip(dir.resolve("empty.pth"), "archive", p.bytes(),
        Map.of("0", PickleBytes.floats(1, 2)));
    Tensor t = CheckpointReader.read(f).get("empty");
    assertArrayEquals(new long[] {0}, t.shape());
    assertEquals(0, t.toFloatArray().length);
    assertEquals(0, t.contiguousBytes().remaining());
  }
}
