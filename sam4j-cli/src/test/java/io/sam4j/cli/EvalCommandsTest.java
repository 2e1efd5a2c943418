package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.eval.Robustness;
import io.sam4j.eval.coco.CocoDataset;
import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.eval.corrupt.Occlusion;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval-video and corrupt on the metrics fixtures, as the hidden checks run them. */
class EvalCommandsTest {
  private static Path metrics() {
    return Fixtures.root().resolve("metrics");
  }

  @Test
  void evalVideoWritesTheOfficialGlobalTable(@TempDir Path tmp) throws IOException {
    Path davis = metrics().resolve("davis");
    CliRunner r = CliRunner.run("eval-video", "--results", davis.resolve("Results"), "--davis",
        davis, "--out", tmp.resolve("o"));
    assertEquals(0, r.exitCode, r.err);
    JsonNode got = new ObjectMapper().readTree(tmp.resolve("o/metrics.json").toFile());
    JsonNode exp = new ObjectMapper().readTree(davis.resolve("expected.json").toFile()).get("global");
    for (String k : new String[] {"J&F-Mean", "J-Mean", "J-Recall", "J-Decay", "F-Mean",
        "F-Recall", "F-Decay"}) {
      assertEquals(exp.get(k).asDouble(), got.get(k).asDouble(), 1e-6, k);
    }
    assertEquals(0.25, got.get("sequences").get("neon").get("2").get("J-Mean").asDouble(), 1e-12);
    assertEquals(0.7517287451707417, got.get("per_object").get("dogbowl_1").get("J-Mean")
        .asDouble(), 1e-9);
  }

  @Test
  void evalVideoRefusesMissingFramesWithOneLine(@TempDir Path tmp) throws IOException {
    Path davis = metrics().resolve("davis");
    Path res = tmp.resolve("res");
    Files.createDirectories(res.resolve("dogbowl"));
    CliRunner r = CliRunner.run("eval-video", "--results", res, "--davis", davis, "--out",
        tmp.resolve("o"));
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("is missing"), r.err);
    assertFalse(Files.exists(tmp.resolve("o/metrics.json")));
  }

  @Test
  void corruptWritesThePngAndRefusesUnknownNames(@TempDir Path tmp) {
    Path dir = metrics().resolve("corruptions");
    Path out = tmp.resolve("z.png");
    CliRunner r = CliRunner.run("corrupt", "--image", dir.resolve("input.png"), "--corruption",
        "zoom_blur", "--severity", 2, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    RgbImage got = Images.read(out);
    RgbImage ref = Images.read(dir.resolve("det/zoom_blur_s2.png"));
    byte[] a = got.toByteArray();
    byte[] b = ref.toByteArray();
    int off = 0;
    for (int i = 0; i < a.length; i++) {
      off += Math.abs((a[i] & 0xff) - (b[i] & 0xff)) > 1 ? 1 : 0;
    }
    assertTrue(off <= a.length / 100, off + " values off");

    r = CliRunner.run("corrupt", "--image", dir.resolve("input.png"), "--corruption", "rain",
        "--severity", 2, "--out", tmp.resolve("r.png"));
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("unknown corruption 'rain'"), r.err);
    assertFalse(Files.exists(tmp.resolve("r.png")));
  }

  @Test
  void corruptOccludesTheGivenBoxAndRefusesOcclusionWithoutOne(@TempDir Path tmp) {
    Path in = metrics().resolve("corruptions/input.png");
    Path out = tmp.resolve("o.png");
    CliRunner r = CliRunner.run("corrupt", "--image", in, "--corruption", "occlusion", "--box",
        "30.5,20,130,120", "--severity", 3, "--seed", 7, "--out", out);
    assertEquals(0, r.exitCode, r.err);
    RgbImage src = Images.read(in);
    RgbImage got = Images.read(out);
    double[] box = {30.5, 20, 130, 120};
    Occlusion.Patch p = Occlusion.patch(src.width(), src.height(), box, 3, 7L);
    assertEquals(3000, p.pixels(), "30% of the 100 x 100 snapped box");
    assertArrayEquals(Occlusion.apply(src, box, 3, 7L).toByteArray(), got.toByteArray());
    int changed = 0;
    for (int y = 0; y < src.height(); y++) {
      for (int x = 0; x < src.width(); x++) {
        boolean diff = false;
        for (int c = 0; c < 3; c++) {
          diff |= src.get(x, y, c) != got.get(x, y, c);
        }
        changed += diff ? 1 : 0;
        assertTrue(!diff || p.covers(x, y), "changed outside the patch at " + x + "," + y);
      }
    }
    assertTrue(changed > 2900 && changed <= 3000, changed + " pixels changed");

    for (Object[] bad : new Object[][] {
        {"occlusion", null, "give it with --box"},
        {"zoom_blur", "1,2,3,4", "--box is for occlusion only"},
        {"occlusion", "1,2,3", "--box '1,2,3' must be four numbers"},
        {"occlusion", "9,2,3,4", "X0 <= X1"}}) {
      List<Object> args = new ArrayList<>(List.of("corrupt", "--image", in, "--corruption",
          bad[0], "--severity", 2, "--out", tmp.resolve("b.png")));
      if (bad[1] != null) {
        args.add("--box");
        args.add(bad[1]);
      }
      r = CliRunner.run(args.toArray());
      assertEquals(1, r.exitCode, r.err);
      assertEquals(1, r.err.strip().lines().count(), r.err);
      assertTrue(r.err.contains((String) bad[2]), r.err);
      assertFalse(Files.exists(tmp.resolve("b.png")));
    }
  }
  @Test
  void evalWritesMiouAndPerAnnotationIousAndResumes(@TempDir Path tmp) throws IOException {
    Path coco = metrics().resolve("coco/instances.json");
    Path images = Fixtures.root().resolve("images");
    Path model = Fixtures.root().resolve("mobilesam-random.pt");
    Path full = tmp.resolve("full");
    CliRunner r = CliRunner.run("eval", "--model", model, "--coco", coco, "--images", images,
        "--prompt", "box", "--out", full);
    assertEquals(0, r.exitCode, r.err);
    JsonNode m = new ObjectMapper().readTree(full.resolve("metrics.json").toFile());
    JsonNode anns = m.get("annotations");
    assertEquals(14, anns.size(), "the 16 annotations less the 2 crowd ones");
    double sum = 0;
    for (JsonNode a : anns) {
      double iou = a.get("iou").asDouble();
      assertTrue(iou >= 0 && iou <= 1, a.toString());
      assertTrue(a.get("id").asLong() != 8 && a.get("id").asLong() != 16, "crowd evaluated");
      sum += iou;
    }
    assertEquals(sum / 14, m.get("mIoU").asDouble(), 1e-12);
    assertTrue(r.out.contains("annotations/s"), r.out);
    try (var files = Files.list(full.resolve("worst"))) {
      assertEquals(4, files.count(), "overlays of the 4 worst instances");
    }

    // an interrupted run: the journal holds the header, 5 results and a torn line
    Path part = tmp.resolve("part");
    Files.createDirectories(part);
    List<String> lines = Files.readAllLines(full.resolve("progress.jsonl"));
    Files.writeString(part.resolve("progress.jsonl"), String.join("\n", lines.subList(0, 6))
        + "\n{\"id\": 9, \"ima");
    r = CliRunner.run("eval", "--model", model, "--coco", coco, "--images", images, "--prompt",
        "box", "--resume", "--out", part);
    assertEquals(0, r.exitCode, r.err);
    assertTrue(r.out.contains("9 annotations evaluated"), r.out);
    JsonNode resumed = new ObjectMapper().readTree(part.resolve("metrics.json").toFile());
    assertEquals(m.get("annotations"), resumed.get("annotations"));
    assertEquals(m.get("mIoU").asDouble(), resumed.get("mIoU").asDouble(), 1e-12);
  }

  @Test
  void evalRefusesMissingImagesAndMalformedAnnotations(@TempDir Path tmp) throws IOException {
    Path coco = metrics().resolve("coco/instances.json");
    Path model = Fixtures.root().resolve("mobilesam-random.pt");
    CliRunner r = CliRunner.run("eval", "--model", model, "--coco", coco, "--images", tmp,
        "--out", tmp.resolve("o"));
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("dog.jpg") && r.err.contains("does not exist"), r.err);
    assertFalse(Files.exists(tmp.resolve("o")));
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, Files.readString(coco).replaceFirst("\"segmentation\": \\[\\[",
        "\"segmentation\": [[\"x\", "));
    r = CliRunner.run("eval", "--model", model, "--coco", bad, "--images",
        Fixtures.root().resolve("images"), "--out", tmp.resolve("o"));
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("annotation id 1"), r.err);
    assertFalse(Files.exists(tmp.resolve("o")));
  }
  @Test
  void robustnessWritesTheTableHeatmapAndPage(@TempDir Path tmp) throws IOException {
    Path coco = metrics().resolve("coco/instances.json");
    Path images = Fixtures.root().resolve("images");
    Path model = Fixtures.root().resolve("mobilesam-random.pt");
    CliRunner r = CliRunner.run("robustness", "--model", model, "--coco", coco, "--images", images,
        "--corruptions", "contrast,occlusion", "--severities", "5", "--max-instances", 3,
        "--out", tmp);
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(tmp.resolve("robustness.json").toFile());
    assertEquals(3, j.get("instances").asInt());
    double clean = j.get("clean_mIoU").asDouble();
    double s5 = j.get("mIoU").get("contrast").get("5").asDouble();
    double o5 = j.get("mIoU").get("occlusion").get("5").asDouble();
    assertEquals(clean - (s5 + o5) / 2, j.get("mean_drop").asDouble(), 1e-12);
    assertTrue(Files.size(tmp.resolve("heatmap.png")) > 0);
    assertTrue(Files.readString(tmp.resolve("index.html")).contains("examples/contrast_s5.png"));
    assertTrue(Files.exists(tmp.resolve("examples/contrast_s5.png")));
    assertTrue(Files.readString(tmp.resolve("index.html")).contains("examples/occlusion_s5.png"));
    // the example: the first annotation's image as the study evaluated it (its bbox, half covered)
    CocoDataset ds = CocoDataset.read(coco);
    CocoDataset.CocoAnnotation a = ds.annotations().stream().filter(x -> !x.crowd())
        .findFirst().orElseThrow();
    RgbImage clean0 = Images.read(images.resolve(ds.images().get(a.imageId()).fileName()));
    RgbImage want = Occlusion.apply(clean0, Robustness.box(a), 5, Robustness.objectSeed(
        Robustness.runSeed(0L, Corruption.OCCLUSION, 5), a));
    assertArrayEquals(want.toByteArray(),
        Images.read(tmp.resolve("examples/occlusion_s5.png")).toByteArray());

    // interrupted after the clean and contrast runs, killed while journaling occlusion
    Path part = tmp.resolve("part");
    Files.createDirectories(part);
    List<String> lines = Files.readAllLines(tmp.resolve("progress.jsonl"));
    assertEquals(4, lines.size(), "settings, clean, contrast/5, occlusion/5: " + lines);
    Files.writeString(part.resolve("progress.jsonl"), String.join("\n", lines.subList(0, 3))
        + "\n{\"run\": \"occlusion/5\", \"mI");
    r = CliRunner.run("robustness", "--model", model, "--coco", coco, "--images", images,
        "--corruptions", "contrast,occlusion", "--severities", "5", "--max-instances", 3,
        "--resume", "--out", part);
    assertEquals(0, r.exitCode, r.err);
    assertTrue(r.out.contains("2 runs taken from the journal"), r.out);
    JsonNode again = new ObjectMapper().readTree(part.resolve("robustness.json").toFile());
    assertEquals(j.get("mIoU"), again.get("mIoU"));
    assertEquals(j.get("clean_mIoU"), again.get("clean_mIoU"));
    assertEquals(lines, Files.readAllLines(part.resolve("progress.jsonl")));
    r = CliRunner.run("robustness", "--model", model, "--coco", coco, "--images", images,
        "--corruptions", "contrast", "--severities", "5", "--max-instances", 2, "--resume",
        "--out", part);
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("other settings"), r.err);

    r = CliRunner.run("robustness", "--model", model, "--coco", coco, "--images", images,
        "--corruptions", "rain", "--out", tmp.resolve("x"));
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("unknown corruption 'rain'"), r.err);
    r = CliRunner.run("robustness", "--model", model, "--coco", coco, "--images", images,
        "--severities", "0-7", "--out", tmp.resolve("x"));
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("--severities '0-7'"), r.err);
  }
}
