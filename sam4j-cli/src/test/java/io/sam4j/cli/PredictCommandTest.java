package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sam4j predict} end to end against the fixture outputs, and its bad inputs. */
class PredictCommandTest {
  @TempDir Path dir;

  private Path cases(Model m, String image) throws IOException {
    JsonNode info = Fixtures.image(m, image);
    Path f = dir.resolve("cases.json");
    new ObjectMapper().writeValue(f.toFile(), info.get("cases"));
    return f;
  }

  @Test
  void writesReferenceOutputsForPreResizedImage() throws IOException {
    Model m = Model.TINY;
    String image = "picture3";
    Path out = dir.resolve("out");
    CliRunner r = CliRunner.run("predict", "--model", Fixtures.checkpoint(m), "--spec",
        Fixtures.spec(m), "--image", Fixtures.imageFile(image + ".resized.png"), "--prompts",
        cases(m, image), "--out", out, "--pre-resized", "--original-size", "1500,2241");
    assertEquals(0, r.exitCode, r.err);
    Tensor emb = Npy.read(out.resolve("image_embeddings.npy"));
    assertArrayEquals(new long[] {1, 32, 64, 64}, emb.shape());
    float[] ref = Npy.read(Fixtures.output(m, image, "image_embeddings.npy")).toFloatArray();
    assertTrue(Fixtures.relL2(emb.toFloatArray(), ref) < 1e-4);
    for (JsonNode c : Fixtures.image(m, image).get("cases")) {
      String name = c.get("name").asText();
      Tensor masks = Npy.read(out.resolve(name).resolve("masks.npy"));
      Tensor refMasks = Npy.read(Fixtures.output(m, image, name + "/masks.npy.gz"));
      assertArrayEquals(refMasks.shape(), masks.shape(), name);
      assertEquals(io.sam4j.checkpoint.DType.UINT8, masks.dtype());
      float[] iou = Npy.read(out.resolve(name).resolve("iou_predictions.npy")).toFloatArray();
      float[] iouRef = Npy.read(Fixtures.output(m, image, name + "/iou_predictions.npy")).toFloatArray();
      assertArrayEquals(iouRef, iou, 1e-3f, name);
      float[] low = Npy.read(out.resolve(name).resolve("low_res_logits.npy")).toFloatArray();
      float[] lowRef = Npy.read(Fixtures.output(m, image, name + "/low_res_logits.npy")).toFloatArray();
      assertTrue(Fixtures.relL2(low, lowRef) < 1e-3, name);
      byte[] a = new byte[(int) masks.numel()];
      masks.contiguousBytes().get(a);
      byte[] b = new byte[(int) refMasks.numel()];
      refMasks.contiguousBytes().get(b);
      long same = 0;
      for (int i = 0; i < a.length; i++) {
        same += a[i] == b[i] ? 1 : 0;
      }
      assertTrue(same >= a.length - a.length / 10000, name + ": " + (a.length - same) + " differ");
    }
    try (Stream<Path> files = Files.walk(out)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")));
    }
  }

  @Test
  void missingModelFailsWithOneLine() throws IOException {
    CliRunner r = CliRunner.run("predict", "--model", dir.resolve("absent.pth"), "--image",
        Fixtures.imageFile("dog.jpg"), "--prompts", cases(Model.TINY, "dog"), "--out",
        dir.resolve("o"));
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("absent.pth does not exist"), r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(Files.notExists(dir.resolve("o")));
  }

  @Test
  void invalidPromptFileFailsBeforeLoading() throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[{\"name\": \"x\", \"box\": [10, 10, 5, 20]}]");
    CliRunner r = CliRunner.run("predict", "--model", Fixtures.checkpoint(Model.TINY), "--image",
        Fixtures.imageFile("dog.jpg"), "--prompts", bad, "--out", dir.resolve("o"));
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("x0 <= x1"), r.err);
  }

  @Test
  void preResizedNeedsOriginalSize() throws IOException {
    CliRunner r = CliRunner.run("predict", "--model", Fixtures.checkpoint(Model.TINY), "--image",
        Fixtures.imageFile("dog.resized.png"), "--prompts", cases(Model.TINY, "dog"), "--out",
        dir.resolve("o"), "--pre-resized");
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("--original-size"), r.err);
  }
}
