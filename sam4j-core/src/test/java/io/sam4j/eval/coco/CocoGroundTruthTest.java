package io.sam4j.eval.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.result.Mask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COCO ground truth, IoU and EdgeSAM prompt derivations against metrics/coco. */
class CocoGroundTruthTest {
  private static Path dir() {
    return Fixtures.root().resolve("metrics").resolve("coco");
  }

  private static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(dir().resolve("expected.json").toFile());
  }

  static Mask png(Path p) {
    RgbImage img = Images.read(p);
    byte[] rgb = img.toByteArray();
    byte[] m = new byte[img.width() * img.height()];
    for (int i = 0; i < m.length; i++) {
      m[i] = (byte) ((rgb[i * 3] & 0xff) > 127 ? 1 : 0);
    }
    return Mask.fromBytes(m, img.width(), img.height());
  }

  @Test
  void polygonCasesRasterizeAsPycocotools() throws IOException {
    JsonNode cases = new ObjectMapper().readTree(dir().resolve("polygon_cases.json").toFile())
        .get("cases");
    for (JsonNode c : cases) {
      double[] xy = new double[c.get("polygon").size()];
      for (int i = 0; i < xy.length; i++) {
        xy[i] = c.get("polygon").get(i).asDouble();
      }
      Rle r = CocoPolygons.rasterize(xy, c.get("h").asInt(), c.get("w").asInt());
      long[] exp = new long[c.get("counts").size()];
      for (int i = 0; i < exp.length; i++) {
        exp[i] = c.get("counts").get(i).asLong();
      }
      String name = c.get("name").asText();
      assertArrayEquals(exp, r.counts(), name);
      assertEquals(c.get("counts_string").asText(), CocoRle.encode(r), name);
      assertEquals(c.get("area").asLong(), r.area(), name);
    }
  }

  @Test
  void groundTruthMasksAndIousMatch() throws IOException {
    CocoDataset ds = CocoDataset.read(dir().resolve("instances.json"));
    JsonNode inst = expected().get("instances");
    double sum = 0;
    double sumRt = 0;
    int n = 0;
    for (JsonNode e : inst) {
      long id = e.get("ann_id").asLong();
      CocoDataset.CocoAnnotation a = ds.annotations().stream().filter(x -> x.id() == id)
          .findFirst().orElseThrow();
      Mask gt = ds.mask(a);
      assertEquals(png(dir().resolve("gt_masks").resolve(id + ".png")), gt, "gt " + id);
      assertEquals(e.get("gt_rle_string").asText(), CocoRle.encode(Rle.encode(gt)), "rle " + id);
      if (a.crowd()) {
        continue;
      }
      Mask pred = png(dir().resolve("predictions").resolve(id + ".png"));
      Evaluation.Overlap o = Evaluation.overlap(pred, gt);
      assertEquals(e.get("intersection").asLong(), o.intersection(), "inter " + id);
      assertEquals(e.get("union").asLong(), o.union(), "union " + id);
      assertEquals(e.get("iou").asDouble(), o.iou(), 1e-12, "iou " + id);
      sum += o.iou();
      n++;
      Mask rt = EdgeSamPrompts.roundTrip(gt);
      assertEquals(png(dir().resolve("gt_roundtrip").resolve(id + ".png")), rt, "roundtrip " + id);
      assertEquals(e.get("iou_vs_roundtrip_gt").asDouble(), Evaluation.overlap(pred, rt).iou(),
          1e-12, "iou vs roundtrip " + id);
      sumRt += Evaluation.overlap(pred, rt).iou();
    }
    assertEquals(expected().get("miou").asDouble(), sum / n, 1e-12);
    assertEquals(expected().get("miou_vs_roundtrip_gt").asDouble(), sumRt / n, 1e-12);
  }

  @Test
  void derivedPromptsMatchEdgeSam() throws IOException {
    CocoDataset ds = CocoDataset.read(dir().resolve("instances.json"));
    List<String> bad = new ArrayList<>();
    for (JsonNode e : expected().get("instances")) {
      if (e.get("iscrowd").asInt() != 0) {
        continue;
      }
      long id = e.get("ann_id").asLong();
      CocoDataset.CocoAnnotation a = ds.annotations().stream().filter(x -> x.id() == id)
          .findFirst().orElseThrow();
      CocoDataset.CocoImage im = ds.images().get(a.imageId());
      assertArrayEquals(ints(e.get("input_size_hw")), EdgeSamPrompts.inputSize(im.height(),
          im.width()));
      float[] box = EdgeSamPrompts.box1024(a.bbox(), im.height(), im.width());
      assertArrayEquals(floats(e.get("box_prompt_xyxy_1024_float32")), box, 0f, "box " + id);
      assertArrayEquals(floats(e.get("box_center_as_coded_1024")),
          EdgeSamPrompts.boxCenterAsCoded(box), 0f, "as coded " + id);
      assertArrayEquals(floats(e.get("box_center_intended_1024")),
          EdgeSamPrompts.boxCenterIntended(box), 0f, "intended " + id);
      Mask gt = ds.mask(a);
      check(bad, id + " mask_center_1024", e.get("mask_center_1024"),
          EdgeSamPrompts.maskCenter1024(gt));
      check(bad, id + " mask_center_original", e.get("mask_center_original"),
          MaskCenters.korniaCenter(EdgeSamPrompts.bits(gt), gt.width(), gt.height()));
      check(bad, id + " exact_edt", e.get("exact_edt_center_original"),
          MaskCenters.exactCenter(EdgeSamPrompts.bits(gt), gt.width(), gt.height()));
      int[] c = MaskCenters.korniaCenter(EdgeSamPrompts.bits(gt), gt.width(), gt.height());
      float v = MaskCenters.korniaDistance(EdgeSamPrompts.bits(gt), gt.width(), gt.height())[
          c[1] * gt.width() + c[0]];
      if (Math.abs(v - e.get("mask_center_original_dt_value").asDouble()) > 1e-4) {
        bad.add(id + " dt value " + v);
      }
    }
    assertTrue(bad.isEmpty(), String.join("\n", bad));
  }

  @Test
  void malformedAnnotationsGetOneClearError(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 4,"
        + " \"height\": 4}], \"annotations\": [{\"id\": 3, \"image_id\": 2, \"bbox\": [0,0,1,1],"
        + " \"segmentation\": [[0,0,1,1,2,2]]}]}");
    SamException e = assertThrows(SamException.class, () -> CocoDataset.read(f));
    assertTrue(e.getMessage().contains("annotation id 3 refers to image_id 2"), e.getMessage());
    Files.writeString(f, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 4,"
        + " \"height\": 4}], \"annotations\": [{\"id\": 3, \"image_id\": 1, \"bbox\": [0,0,1,1],"
        + " \"segmentation\": [[0,0]]}]}");
    CocoDataset ds = CocoDataset.read(f);
    e = assertThrows(SamException.class, () -> ds.mask(ds.annotations().get(0)));
    assertTrue(e.getMessage().contains("at least 3 points"), e.getMessage());
    Files.writeString(f, "{\"images\": [");
    e = assertThrows(SamException.class, () -> CocoDataset.read(f));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void refinementClicksFollowTheFixtureRule() throws IOException {
    CocoDataset ds = CocoDataset.read(dir().resolve("instances.json"));
    for (JsonNode e : expected().get("instances")) {
      if (e.get("iscrowd").asInt() != 0) {
        continue;
      }
      long id = e.get("ann_id").asLong();
      CocoDataset.CocoAnnotation a = ds.annotations().stream().filter(x -> x.id() == id)
          .findFirst().orElseThrow();
      Mask gt = ds.mask(a);
      Mask low = png(dir().resolve("lowres_pred").resolve(id + ".png"));
      RefinementClick.ErrorMap m = RefinementClick.errorMap(EdgeSamPrompts.bits(low), low.width(),
          EdgeSamPrompts.gt1024(gt), EdgeSamPrompts.inputSize(gt.height(), gt.width()));
      JsonNode r = e.get("refine_lowres");
      assertEquals(r.get("fp_count").asInt(), m.fpCount(), "fp " + id);
      assertEquals(r.get("fn_count").asInt(), m.fnCount(), "fn " + id);
      RgbImage map = Images.read(dir().resolve("error_maps").resolve(id + "_lowres.png"));
      int[] labels = m.labels();
      for (int i = 0; i < labels.length; i++) {
        int exp = map.get(i % map.width(), i / map.width(), 0);
        assertEquals(exp, labels[i] == 0 ? 127 : labels[i] == 1 ? 254 : 0, "map " + id + " @" + i);
      }
      JsonNode first = r.get("first_candidates_xy_label");
      for (int k = 0; k < first.size(); k++) {
        assertArrayEquals(ints(first.get(k)), m.candidate(k), "candidate " + k + " of " + id);
      }
      if (!r.get("last_candidate_xy_label").isNull()) {
        assertArrayEquals(ints(r.get("last_candidate_xy_label")), m.candidate(m.candidates() - 1));
      }
      var click = RefinementClick.edgeSam(m, new java.util.SplittableRandom(1));
      assertEquals(r.get("aborted_lt_10").asBoolean(), click.isEmpty(), "abort " + id);
      click.ifPresent(c -> assertEquals(0f, c.x() % 4f));
      JsonNode s2 = e.get("refine_error_center_sam2_original");
      Mask pred = png(dir().resolve("predictions").resolve(id + ".png"));
      RefinementClick.Click c = RefinementClick.sam2ErrorCenter(pred, gt);
      assertArrayEquals(ints(s2.get("point_xy")), new int[] {(int) c.x(), (int) c.y()}, "sam2 " + id);
      assertEquals(s2.get("label").asInt(), c.label(), "sam2 label " + id);
    }
  }

  private static void check(List<String> bad, String what, JsonNode exp, int[] got) {
    int[] e = ints(exp);
    if (e[0] != got[0] || e[1] != got[1]) {
      bad.add(what + ": expected " + e[0] + "," + e[1] + " got " + got[0] + "," + got[1]);
    }
  }

  static int[] ints(JsonNode a) {
    int[] r = new int[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i).asInt();
    }
    return r;
  }

  static float[] floats(JsonNode a) {
    float[] r = new float[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) a.get(i).asDouble();
    }
    return r;
  }
}
