package io.sam4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EdgeSAM checkpoints as users hold them: the bare state dict of {@code edge_sam.pth} and the
 * same wrapped as {@code {"model": ...}} load to the same model; a truncated file gets one clear
 * error line.
 */
class EdgeSamCheckpointTest {
  @TempDir Path dir;

  @Test
  void wrappedCheckpointLoadsLikeTheBareOne() throws IOException {
    Path bare = Fixtures.checkpoint(Model.EDGESAM);
    Path wrapped = wrap(bare, dir.resolve("wrapped.pth"));
    assertEquals(CheckpointReader.read(bare).keys(), CheckpointReader.read(wrapped).keys());
    float[][] embeddings = new float[2][];
    int i = 0;
    for (Path f : new Path[] {bare, wrapped}) {
      try (SamModel m = SamModel.load(f, Fixtures.spec(Model.EDGESAM));
           SamPredictor p = m.newPredictor()) {
        assertEquals("EdgeSAM (RepViT)", m.spec().encoder().family());
        p.setPreResizedImage(Images.read(Fixtures.imageFile("dog.resized.png")), 534, 800);
        embeddings[i++] = p.embedding().data();
      }
    }
    assertArrayEquals(embeddings[0], embeddings[1]);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.5, 0.9, 0.999})
  void truncatedCheckpointGetsOneClearError(double keep) throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.checkpoint(Model.EDGESAM));
    Path f = dir.resolve("edge_sam.pth");
    Files.write(f, Arrays.copyOf(full, (int) (full.length * keep)));
    SamException e = assertThrows(SamException.class,
        () -> SamModel.load(f, Fixtures.spec(Model.EDGESAM)));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  /**
   * The bare checkpoint re-pickled as {@code {"model": state_dict}}: its pickle is a protocol-2
   * stream, so the dict's opcodes go between an empty dict and a SETITEM.
   */
  private static Path wrap(Path bare, Path out) throws IOException {
    ZipBytes z = new ZipBytes();
    try (ZipFile zip = new ZipFile(bare.toFile())) {
      for (Enumeration<? extends ZipEntry> es = zip.entries(); es.hasMoreElements(); ) {
        ZipEntry e = es.nextElement();
        byte[] data = zip.getInputStream(e).readAllBytes();
        if (e.getName().endsWith("/data.pkl")) {
          assertEquals((byte) 0x80, data[0]);
          assertEquals('.', data[data.length - 1]);
          byte[] key = "model".getBytes(StandardCharsets.US_ASCII);
          byte[] head = {(byte) 0x80, 2, '}', 'X', (byte) key.length, 0, 0, 0};
          byte[] w = new byte[head.length + key.length + data.length - 3 + 2];
          System.arraycopy(head, 0, w, 0, head.length);
          System.arraycopy(key, 0, w, head.length, key.length);
          System.arraycopy(data, 2, w, head.length + key.length, data.length - 3);
          w[w.length - 2] = 's';
          w[w.length - 1] = '.';
          data = w;
        }
        z.entry(e.getName(), data);
      }
    }
    return z.write(out);
  }
}
