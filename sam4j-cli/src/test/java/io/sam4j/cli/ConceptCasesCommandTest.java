package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j concept-cases} on the SAM 3 fixture: the manifest's six cases of an image in the
 * command's JSON form, from the pre-resized network input and from the decoded photo; every file
 * against the reference's (a case that keeps nothing included), and one-line refusals.
 */
class ConceptCasesCommandTest {
  @TempDir Path dir;

  @Test
  void dogFromThePreResizedInputMatchesTheReference() throws IOException {
    check("dog", true);
  }

  @Test
  void picture1FromTheDecodedPhotoMatchesTheReference() throws IOException {
    check("picture1", false);
  }

  private void check(String image, boolean preResized) throws IOException {
    Path root = Fixtures.root().resolve("sam3_fixture");
    JsonNode info = null;
    for (JsonNode n : new ObjectMapper().readTree(root.resolve("manifest.json").toFile())
        .get("images")) {
      if (n.get("image").asText().startsWith(image + ".")) {
        info = n;
      }
    }
    Path cases = writeCases(info.get("cases"));
    Path out = dir.resolve("out");
    int h = info.get("original_size").get(0).asInt();
    int w = info.get("original_size").get(1).asInt();
    CliRunner r = preResized
        ? CliRunner.run("concept-cases", "--model", Fixtures.root().resolve("sam3_fixture.pt"),
            "--spec", Fixtures.root().resolve("sam3_fixture.spec.json"), "--image",
            root.resolve(image).resolve(image + ".resized.png"), "--pre-resized",
            "--original-size", h + "," + w, "--cases", cases, "--out", out)
        : CliRunner.run("concept-cases", "--model", Fixtures.root().resolve("sam3_fixture.pt"),
            "--spec", Fixtures.root().resolve("sam3_fixture.spec.json"), "--image",
            root.resolve(image).resolve(image + ".decoded.png"), "--cases", cases, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    for (JsonNode c : info.get("cases")) {
      String name = c.get("name").asText();
      Path ref = root.resolve(image).resolve(name);
      Path ours = out.resolve(name);
      Tensor tokens = Npy.read(ours.resolve("tokens.npy"));
      assertArrayEquals(new long[] {32}, tokens.shape());
      assertArrayEquals(Npy.read(ref.resolve("tokens.npy")).toFloatArray(), tokens.toFloatArray());
      assertTrue(Fixtures.relL2(Npy.read(ours.resolve("pred_logits.npy")).toFloatArray(),
          Npy.read(ref.resolve("pred_logits.npy")).toFloatArray()) <= 1e-5, name);
      assertTrue(Fixtures.relL2(Npy.read(ours.resolve("pred_boxes.npy")).toFloatArray(),
          Npy.read(ref.resolve("pred_boxes.npy")).toFloatArray()) <= 1e-5, name);
      assertEquals(c.get("presence_logit_dec").asDouble(),
          Npy.read(ours.resolve("presence_logit_dec.npy")).toFloatArray()[0], 1e-5, name);
      float[] scores = Npy.read(ours.resolve("scores.npy")).toFloatArray();
      float[] refScores = Npy.read(ref.resolve("scores.npy")).toFloatArray();
      assertEquals(refScores.length, scores.length, name + " kept");
      for (int k = 0; k < scores.length; k++) {
        assertEquals(refScores[k], scores[k], 1e-5, name + " score " + k);
      }
      float[] boxes = Npy.read(ours.resolve("boxes.npy")).toFloatArray();
      float[] refBoxes = Npy.read(ref.resolve("boxes.npy")).toFloatArray();
      assertEquals(refBoxes.length, boxes.length);
      for (int i = 0; i < boxes.length; i++) {
        assertEquals(refBoxes[i], boxes[i], 1e-3, name + " box value " + i);
      }
      Tensor masks = Npy.read(ours.resolve("masks.npy"));
      assertArrayEquals(new long[] {scores.length, h, w}, masks.shape(), name);
      if (scores.length > 0) {
        float[] m = masks.toFloatArray();
        float[] refMasks;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
            ref.resolve("masks.npy.gz")))) {
          refMasks = Npy.parse(in.readAllBytes(), "masks").toFloatArray();
        }
        int differ = 0;
        for (int i = 0; i < m.length; i++) {
          if (m[i] != refMasks[i]) {
            differ++;
          }
        }
        assertTrue(differ <= m.length / 100_000 + 2, name + ": " + differ + " mask pixels differ");
      }
    }
  }

  private Path writeCases(JsonNode manifestCases) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ArrayNode out = json.createArrayNode();
    for (JsonNode c : manifestCases) {
      ObjectNode o = out.addObject();
      o.put("name", c.get("name").asText());
      if (c.has("prompt")) {
        o.put("text", c.get("prompt").asText());
      }
      if (c.has("box_cxcywh_norm")) {
        o.putArray("boxes").add(c.get("box_cxcywh_norm"));
        o.putArray("box_labels").add(c.get("label").asBoolean());
      }
      if (c.has("points_xy_norm")) {
        o.set("points", c.get("points_xy_norm"));
        o.set("point_labels", c.get("point_labels"));
      }
    }
    Path f = dir.resolve("cases.json");
    json.writeValue(f.toFile(), out);
    return f;
  }

  @Test
  void badCasesGetOneLineAndNoOutput() throws IOException {
    Path out = dir.resolve("bad");
    for (String content : new String[] {"{\"name\": \"a\"}", "[{\"name\": \"../x\", \"text\": \"a\"}]",
        "[{\"name\": \"a\"}]", "[{\"name\": \"a\", \"boxes\": [[0.1, 0.2, 0.3]]}]",
        "[{\"name\": \"a\", \"points\": [[0.1, 0.2]], \"point_labels\": [1]}]"}) {
      Path cases = Files.writeString(dir.resolve("cases.json"), content);
      CliRunner r = CliRunner.run("concept-cases", "--model",
          Fixtures.root().resolve("sam3_fixture.pt"), "--image",
          Fixtures.root().resolve("images/dog.jpg"), "--cases", cases, "--out", out);
      assertEquals(1, r.exitCode, content + ": " + r.err);
      assertTrue(r.err.startsWith("sam4j: error: "), r.err);
      assertEquals(1, r.err.strip().lines().count(), r.err);
      assertFalse(Files.exists(out));
    }
  }
}
