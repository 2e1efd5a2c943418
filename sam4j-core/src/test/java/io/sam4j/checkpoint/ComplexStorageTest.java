package io.sam4j.checkpoint;

import static io.sam4j.fixtures.FuzzContract.refusesOnlyWithSamException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * complex64 storages ({@code torch.ComplexFloatStorage}, SAM 3's RoPE tables): read as interleaved
 * (real, imaginary) float32 pairs through the same bounds checks as every storage, and the SAM 3
 * fixture file read whole, cut short and corrupted.
 */
class ComplexStorageTest {
  @TempDir Path dir;

  private Path complexFile(String name, long numel, long[] size, long[] stride, byte[] data) {
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("freqs_cis").tensor("ComplexFloatStorage", "0", numel, 0, size, stride).op('s').op('.');
    return PickleBytes.torchZip(dir.resolve(name), "archive", p.bytes(), Map.of("0", data));
  }

  @Test
  void readsComplexAsInterleavedPairs() {
    // [2, 2] complex: (1+2i) (3+4i) / (5+6i) (7+8i)
    Path f = complexFile("c.pth", 4, new long[] {2, 2}, new long[] {2, 1},
        PickleBytes.floats(1, 2, 3, 4, 5, 6, 7, 8));
    Tensor t = CheckpointReader.read(f).get("freqs_cis");
    assertEquals(DType.COMPLEX64, t.dtype());
    assertArrayEquals(new long[] {2, 2}, t.shape());
    assertEquals(4, t.numel());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, t.toFloatArray());
    assertEquals(32, t.contiguousBytes().remaining());
  }

  @Test
  void readsTransposedComplexViewThroughStrides() {
    Path f = complexFile("ct.pth", 4, new long[] {2, 2}, new long[] {1, 2},
        PickleBytes.floats(1, 2, 3, 4, 5, 6, 7, 8));
    assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4, 7, 8},
        CheckpointReader.read(f).get("freqs_cis").toFloatArray());
  }

  @Test
  void heapCopyKeepsComplex() {
    Path f = complexFile("h.pth", 2, new long[] {2}, new long[] {1},
        PickleBytes.floats(1, -1, 0.5f, 2));
    StateDict copy = CheckpointReader.read(f).heapCopy(List.of(""));
    assertEquals(DType.COMPLEX64, copy.get("freqs_cis").dtype());
    assertArrayEquals(new float[] {1, -1, 0.5f, 2}, copy.get("freqs_cis").toFloatArray());
  }

  @Test
  void refusesComplexStorageShorterThanItsElements() {
    // 4 complex elements need 32 bytes; the entry has 28 (the last imaginary part is missing)
    Path f = complexFile("short.pth", 4, new long[] {4}, new long[] {1},
        PickleBytes.floats(1, 2, 3, 4, 5, 6, 7));
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
  }

  @Test
  void refusesComplexViewPastItsStorage() {
    Path f = complexFile("past.pth", 2, new long[] {3}, new long[] {1},
        PickleBytes.floats(1, 2, 3, 4));
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("storage holds only 2"), e.getMessage());
  }

  @Test
  void refusesComplexDoubleStorage() {
    // complex128 is not on the allow-list: a clear refusal naming the global
    PickleBytes p = new PickleBytes().proto(2);
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str("t").tensor("ComplexDoubleStorage", "0", 1, 0, new long[] {1}, new long[] {1})
        .op('s').op('.');
    Path f = PickleBytes.torchZip(dir.resolve("c128.pth"), "archive", p.bytes(),
        Map.of("0", new byte[16]));
    SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f));
    assertTrue(e.getMessage().contains("torch.ComplexDoubleStorage"), e.getMessage());
  }

  @Test
  void readsSam3FixtureWithItsComplexRopeTables() {
    StateDict sd = CheckpointReader.read(Fixtures.root().resolve("sam3_fixture.pt"));
    assertEquals(573, sd.size());
    long complex = sd.keys().stream().filter(k -> sd.get(k).dtype() == DType.COMPLEX64).count();
    assertEquals(4, complex);
    Tensor w = sd.get("detector.backbone.vision_backbone.trunk.blocks.0.attn.freqs_cis");
    assertArrayEquals(new long[] {64, 8}, w.shape());
    float[] v = w.toFloatArray();
    // token 0 sits at x = y = 0: every frequency is the rotation by 0, i.e. 1 + 0i
    for (int j = 0; j < 8; j++) {
      assertEquals(1f, v[2 * j]);
      assertEquals(0f, v[2 * j + 1]);
    }
    // token 1 is x = 1 in the window grid: exp(i * theta^(-4j/16)) for the first 4 frequencies
    assertEquals(Math.cos(1.0), v[16], 1e-7);
    assertEquals(Math.sin(1.0), v[17], 1e-7);
    assertEquals(Math.cos(Math.pow(10000, -0.25)), v[18], 1e-7);
    assertEquals(Math.sin(Math.pow(10000, -0.25)), v[19], 1e-7);
  }

  @Test
  void readsSam3KeysWrappedUnderModel() {
    String key = "detector.backbone.vision_backbone.trunk.blocks.0.attn.freqs_cis";
    PickleBytes p = new PickleBytes().proto(2);
    p.op('}').str("model");
    p.global("collections", "OrderedDict").op(')').op('R');
    p.str(key).tensor("ComplexFloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}).op('s');
    p.op('s').op('.');
    Path f = PickleBytes.torchZip(dir.resolve("wrapped.pt"), "sam3", p.bytes(),
        Map.of("0", PickleBytes.floats(1, 0)));
    StateDict sd = CheckpointReader.read(f);
    assertEquals(List.of(key), List.copyOf(sd.keys()));
    assertEquals(DType.COMPLEX64, sd.get(key).dtype());
  }

  /** Every cut of the fixture file is refused with a SamException, never another exception. */
  @Test
  void refusesTheSam3FixtureCutShort() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.root().resolve("sam3_fixture.pt"));
    Path f = dir.resolve("cut.pt");
    for (int i = 1; i <= 24; i++) {
      int len = (int) ((long) full.length * i / 25);
      Files.write(f, Arrays.copyOf(full, len));
      SamException e = assertThrows(SamException.class, () -> CheckpointReader.read(f),
          "cut at " + len);
      assertTrue(e.kind() == SamException.Kind.BAD_CHECKPOINT, e.kind() + ": " + e.getMessage());
    }
  }

  /**
   * The fixture with random bytes overwritten in its pickle and headers: read or refused with a
   * SamException, whatever is hit (a fuzz run in miniature, seeded so that it is reproducible).
   */
  @Test
  void corruptedSam3FixtureIsReadOrRefusedCleanly() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.root().resolve("sam3_fixture.pt"));
    int pkl = indexOf(full, "data.pkl".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Random rnd = new Random(3101);
    Path f = dir.resolve("bad.pt");
    for (int trial = 0; trial < 40; trial++) {
      byte[] b = full.clone();
      for (int k = 0; k < 4; k++) {
        // the first local header and its pickle, or the central directory at the end
        int at = rnd.nextBoolean() ? pkl + rnd.nextInt(40_000) : b.length - 1 - rnd.nextInt(60_000);
        b[at] = (byte) rnd.nextInt(256);
      }
      Files.write(f, b);
      refusesOnlyWithSamException(() -> {
        StateDict sd = CheckpointReader.read(f);
        for (String key : sd.keys()) {
          Tensor t = sd.get(key);
          if (t.numel() <= 4096) {
            t.toFloatArray();
          }
        }
      });
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
