package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j segment --text/--exemplar} (SAM 3) on the fixture: two phrases over one encoding
 * give the reference's kept instances with the phrases as labels; an exemplar box alone gives the
 * box_exemplar case's; the files (instances, labels, overlay, JSON with RLE) are written.
 */
class ConceptSegmentTest {
  @TempDir Path dir;

  private static JsonNode dogCase(String name) throws IOException {
    JsonNode m = new ObjectMapper().readTree(
        Fixtures.root().resolve("sam3_fixture/manifest.json").toFile());
    for (JsonNode c : m.get("images").get(0).get("cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void twoPhrasesGiveTheReferenceInstancesWithTheirLabels() throws IOException {
    Path out = dir.resolve("out");
    CliRunner r = CliRunner.run("segment", "--model", Fixtures.root().resolve("sam3_fixture.pt"),
        "--spec", Fixtures.root().resolve("sam3_fixture.spec.json"), "--image",
        Fixtures.imageFile("dog.jpg"), "--text", "dog", "--text", "green grass", "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode json = new ObjectMapper().readTree(out.resolve("dog.json").toFile());
    JsonNode text0 = dogCase("text_0");
    JsonNode text2 = dogCase("text_2");
    JsonNode inst = json.get("instances");
    assertEquals(text0.get("num_kept").asInt() + text2.get("num_kept").asInt(), inst.size());
    for (int i = 0; i < inst.size(); i++) {
      boolean first = i < text0.get("num_kept").asInt();
      JsonNode c = first ? text0 : text2;
      int k = first ? i : i - text0.get("num_kept").asInt();
      JsonNode o = inst.get(i);
      assertEquals(first ? "dog" : "green grass", o.get("label").asText());
      assertEquals(c.get("scores").get(k).asDouble(), o.get("score").asDouble(), 1e-5);
      assertEquals(c.get("kept_query_indices").get(k).asInt(), o.get("query").asInt());
      assertEquals(c.get("boxes_xyxy").get(k).get(0).asDouble(),
          o.get("box_xyxy").get(0).asDouble(), 1e-3);
      assertEquals(Math.abs(c.get("mask_areas").get(k).asLong() - o.get("area").asLong()) <= 2,
          true, "area of instance " + i);
      assertTrue(o.get("segmentation").has("counts"));
      assertTrue(Files.exists(out.resolve(String.format(Locale.ROOT, "dog.instance%d.png", i))));
    }
    BufferedImage labels = ImageIO.read(out.resolve("dog.labels.png").toFile());
    assertEquals(800, labels.getWidth());
    assertEquals(534, labels.getHeight());
    int max = 0;
    for (int y = 0; y < 534; y += 7) {
      for (int x = 0; x < 800; x += 7) {
        max = Math.max(max, labels.getRaster().getSample(x, y, 0));
      }
    }
    assertTrue(max > 0 && max <= inst.size(), "label values up to " + max);
    RgbImage overlay = Images.read(out.resolve("dog.overlay.png"));
    assertEquals(800, overlay.width());
  }

  @Test
  void anExemplarBoxAloneGivesTheExemplarCase() throws IOException {
    JsonNode c = dogCase("box_exemplar");
    JsonNode b = c.get("box_cxcywh_norm");
    double cx = b.get(0).asDouble() * 800;
    double cy = b.get(1).asDouble() * 534;
    double w = b.get(2).asDouble() * 800;
    double h = b.get(3).asDouble() * 534;
    String box = String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f", cx - w / 2, cy - h / 2,
        cx + w / 2, cy + h / 2);
    Path out = dir.resolve("ex");
    CliRunner r = CliRunner.run("segment", "--model", Fixtures.root().resolve("sam3_fixture.pt"),
        "--spec", Fixtures.root().resolve("sam3_fixture.spec.json"), "--image",
        Fixtures.imageFile("dog.jpg"), "--exemplar", box, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode inst = new ObjectMapper().readTree(out.resolve("dog.json").toFile()).get("instances");
    assertEquals(c.get("num_kept").asInt(), inst.size());
    for (int k = 0; k < inst.size(); k++) {
      assertEquals("visual", inst.get(k).get("label").asText());
      assertEquals(c.get("scores").get(k).asDouble(), inst.get(k).get("score").asDouble(), 1e-4);
    }
  }

  @Test
  void conceptsDoNotMixWithPointsAndBadExemplarsAreRefused() {
    for (String[] extra : new String[][] {{"--text", "dog", "--point", "10,10"},
        {"--exemplar", "10,10,5,20"}, {"--exemplar", "10,10,20,20,maybe"},
        {"--exemplar", "10,10,900,20"}}) {
      Object[] args = new Object[9 + extra.length];
      Object[] base = {"segment", "--model", Fixtures.root().resolve("sam3_fixture.pt"), "--spec",
          Fixtures.root().resolve("sam3_fixture.spec.json"), "--image",
          Fixtures.imageFile("dog.jpg"), "--out", dir.resolve("bad")};
      System.arraycopy(base, 0, args, 0, 9);
      System.arraycopy(extra, 0, args, 9, extra.length);
      CliRunner r = CliRunner.run(args);
      assertEquals(1, r.exitCode, String.join(" ", extra) + ": " + r.err);
      assertTrue(r.err.startsWith("sam4j: error: "), r.err);
      assertEquals(1, r.err.strip().lines().count(), r.err);
    }
  }
}
