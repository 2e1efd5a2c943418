package io.sam4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsAndNpyTest {
  @TempDir Path dir;

  private Path safetensors(String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Path f = dir.resolve("m.safetensors");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void readsSafetensorsOfSeveralTypes() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8 + 4 + 2).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(1.5f).putFloat(-2f);
    data.putShort((short) 0x3C00).putShort((short) 0xC000); // f16 1.0, -2.0
    data.putShort((short) 0x3F80); // bf16 1.0
    Path f = safetensors("{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[12,14]}}", data.array());
    StateDict sd = CheckpointReader.read(f);
    assertEquals("safetensors", sd.format());
    assertArrayEquals(new float[] {1.5f, -2f}, sd.get("a").toFloatArray());
    assertArrayEquals(new float[] {1f, -2f}, sd.get("h").toFloatArray());
    assertArrayEquals(new float[] {1f}, sd.get("b").toFloatArray());
  }

  @Test
  void refusesSafetensorsWithWrongByteCount() throws IOException {
    Path f = safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
        new byte[8]);
    assertThrows(SamException.class, () -> CheckpointReader.read(f));
  }

  @Test
  void npyRoundTripsWithNumpysHeaderLayout() {
    Path f = dir.resolve("x.npy");
    Npy.writeFloats(f, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor t = Npy.read(f);
    assertArrayEquals(new long[] {2, 3}, t.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
    byte[] header = Npy.header(DType.UINT8, new long[] {7});
    assertEquals(0, header.length % 64);
    String dict = new String(header, 10, header.length - 10, StandardCharsets.ISO_8859_1);
    assertEquals("{'descr': '|u1', 'fortran_order': False, 'shape': (7,), }", dict.strip());
  }

  @Test
  void npyRefusesTruncatedData() throws IOException {
    Path f = dir.resolve("t.npy");
    Npy.writeFloats(f, new float[16], 4, 4);
    byte[] all = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(all, all.length - 5));
    assertTrue(assertThrows(SamException.class, () -> Npy.read(f)).getMessage().contains("truncated"));
  }
}
