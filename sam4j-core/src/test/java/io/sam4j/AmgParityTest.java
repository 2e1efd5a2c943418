package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.amg.AmgConfig;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.result.MaskRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Automatic mask generation against every {@code amg_*.json} of the fixtures, on the exact decoded
 * pixels: same number of records, matched one to one with mask IoU >= 0.99, predicted IoU and
 * stability within 1e-3, boxes within 1 pixel.
 */
class AmgParityTest {
  @ParameterizedTest
  @EnumSource(Model.class)
  void recordsMatchReference(Model m) throws IOException {
    try (SamModel model = SamModel.load(Fixtures.checkpoint(m), Fixtures.spec(m))) {
      for (String image : Fixtures.images(m)) {
        for (JsonNode run : Fixtures.image(m, image).path("amg")) {
          Path file = Fixtures.output(m, image, run.get("file").asText());
          JsonNode ref;
          try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ref = new ObjectMapper().readTree(in);
          }
          RgbImage img = Images.read(Fixtures.imageFile(image + ".decoded.png"));
          AmgConfig config = config(ref.get("params"));
          List<MaskRecord> ours = new AutomaticMaskGenerator(model, config).generate(img);
          compare(m + " " + image + " " + run.get("name").asText(), ours, ref.get("records"));
        }
      }
    }
  }

  static AmgConfig config(JsonNode p) {
    AmgConfig.Builder b = AmgConfig.builder()
        .pointsPerSide(p.get("points_per_side").asInt())
        .pointsPerBatch(p.get("points_per_batch").asInt())
        .predIouThresh(p.get("pred_iou_thresh").asDouble())
        .stabilityScoreThresh(p.get("stability_score_thresh").asDouble())
        .boxNmsThresh(p.get("box_nms_thresh").asDouble())
        .cropNLayers(p.get("crop_n_layers").asInt())
        .minMaskRegionArea(p.get("min_mask_region_area").asInt());
    if (p.has("crop_nms_thresh")) {
      b.cropNmsThresh(p.get("crop_nms_thresh").asDouble());
    }
    return b.build();
  }

  static void compare(String what, List<MaskRecord> ours, JsonNode refs) {
    assertEquals(refs.size(), ours.size(), what + " record count");
    List<BitSet> ourMasks = new ArrayList<>();
    for (MaskRecord r : ours) {
      ourMasks.add(bits(r.rle().counts()));
    }
    boolean[] used = new boolean[ours.size()];
    for (JsonNode ref : refs) {
      long[] counts = new long[ref.get("segmentation").get("counts").size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = ref.get("segmentation").get("counts").get(i).asLong();
      }
      BitSet rm = bits(counts);
      int best = -1;
      double bestIou = -1;
      for (int i = 0; i < ours.size(); i++) {
        if (used[i]) {
          continue;
        }
        BitSet inter = (BitSet) rm.clone();
        inter.and(ourMasks.get(i));
        BitSet union = (BitSet) rm.clone();
        union.or(ourMasks.get(i));
        double iou = union.isEmpty() ? 1 : (double) inter.cardinality() / union.cardinality();
        if (iou > bestIou) {
          bestIou = iou;
          best = i;
        }
      }
      assertTrue(bestIou >= 0.99, what + ": best mask IoU " + bestIou);
      used[best] = true;
      MaskRecord o = ours.get(best);
      assertEquals(ref.get("predicted_iou").asDouble(), o.predictedIou(), 1e-3, what + " predicted_iou");
      assertEquals(ref.get("stability_score").asDouble(), o.stabilityScore(), 1e-3, what + " stability");
      for (int k = 0; k < 4; k++) {
        assertEquals(ref.get("bbox").get(k).asDouble(), o.bbox()[k], 1.0, what + " bbox");
        assertEquals(ref.get("crop_box").get(k).asDouble(), o.cropBox()[k], 0.0, what + " crop_box");
      }
      assertEquals(ref.get("area").asLong(), o.area(), Math.max(1, 0.01 * o.area()), what + " area");
      assertEquals(ref.get("point_coords").get(0).get(0).asDouble(), o.pointCoords()[0], 1e-9);
      assertEquals(ref.get("point_coords").get(0).get(1).asDouble(), o.pointCoords()[1], 1e-9);
    }
  }

  static BitSet bits(long[] counts) {
    BitSet b = new BitSet();
    int idx = 0;
    for (int i = 0; i < counts.length; i++) {
      if (i % 2 == 1) {
        b.set(idx, (int) (idx + counts[i]));
      }
      idx += (int) counts[i];
    }
    return b;
  }
}
