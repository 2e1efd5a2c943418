package io.sam4j.checkpoint;

import static io.sam4j.fixtures.FuzzContract.file;
import static io.sam4j.fixtures.FuzzContract.refusesOnlyWithSamException;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz targets for the checkpoint readers: any bytes are read or refused with a SamException
 * ({@link io.sam4j.fixtures.FuzzContract}). Under {@code mvn verify} Jazzer replays the seeds and
 * past crashes in {@code src/test/resources/io/sam4j/checkpoint/CheckpointFuzzTestInputs/<target>};
 * README-FUZZING.md says how to fuzz for longer.
 */
class CheckpointFuzzTest {
  /** Every persistent id of the pickle target resolves to these 16 float32 elements. */
  private static final Pickle.Storage STORAGE =
      new Pickle.Storage("0", DType.FLOAT32, ByteBuffer.allocate(64), 16);

  @TempDir static Path dir;

  /** The pickle machine alone, with every persistent id resolving to one small storage. */
  @FuzzTest
  void pickle(byte[] data) {
    refusesOnlyWithSamException(() -> {
      Object root = new Unpickler(data, "fuzz.pkl", pid -> STORAGE).load();
      use(new StateDict(TorchCheckpoint.stateDictOf(root, "fuzz.pkl"), "pytorch-zip"));
    });
  }

  /** A whole file through format detection: torch zip (the usual case), safetensors, others. */
  @FuzzTest
  void checkpointFile(byte[] data) {
    Path f = file(dir, "fuzz.pth", data);
    refusesOnlyWithSamException(() -> use(CheckpointReader.read(f)));
  }

  /** A safetensors file. The dictionary names the header's keys: Jackson is not instrumented. */
  @DictionaryEntries({"\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
      "\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"U8\"", "\"BOOL\""})
  @FuzzTest
  void safetensors(byte[] data) {
    Path f = file(dir, "fuzz.safetensors", data);
    refusesOnlyWithSamException(() -> use(Safetensors.read(f)));
  }

  /** A NumPy .npy file. */
  @DictionaryEntries({"{'descr': '", "'fortran_order': False", "'shape': (",
      "<f4", "|u1", "<i8", "<f2"})
  @FuzzTest
  void npy(byte[] data) {
    refusesOnlyWithSamException(() -> use(Npy.parse(data, "fuzz.npy")));
  }

  /** Reads what a model would read from the tensors, when they are small enough to read. */
  private static void use(StateDict sd) {
    sd.parameterCount();
    for (String key : sd.keys()) {
      use(sd.get(key));
    }
  }

  private static void use(Tensor t) {
    if (t.numel() <= 4096) {
      t.toFloatArray();
      t.contiguousBytes();
    }
  }
}
