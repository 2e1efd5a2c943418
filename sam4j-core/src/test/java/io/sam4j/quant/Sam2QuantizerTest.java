package io.sam4j.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Sam2Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.registry.ProgressListener;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 4-bit weights of the SAM 2 family's image encoders (SAM 2.1's Hiera, EfficientTAM's ViT) on the
 * fixtures, calibrated on dog and reported on picture1: the directory loads back through
 * {@code SamModel.load} without the checkpoint and predicts; the Q-SAM2 calibrated weights' logits
 * error is at most min-max's and their masks agree better with float32 (mean IoU over 0.8), and no
 * layer's output error is worse than min-max's.
 */
class Sam2QuantizerTest {
  private static final RuntimeOptions FP32 = RuntimeOptions.defaults();

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(value = Sam2Fixtures.Model.class, names = {"SAM2_1", "EFFICIENTTAM"})
  void fourBitWeightsLoadBackAndCalibratedIsNoWorseThanMinmax(Sam2Fixtures.Model m)
      throws Exception {
    Path checkpoint = Sam2Fixtures.checkpoint(m);
    Path config = Fixtures.root().resolve(m.dir + ".yaml");
    List<Path> photos = List.of(Fixtures.imageFile("dog.jpg"), Fixtures.imageFile("picture1.jpg"));
    JsonNode[] reports = new JsonNode[2];
    QuantizationSettings.Method[] methods = QuantizationSettings.Method.values();
    for (int i = 0; i < 2; i++) {
      Path out = tmp.resolve(m.dir + "-" + methods[i]);
      Quantizer.Result r = Quantizer.quantize(checkpoint, config, photos,
          new QuantizationSettings(4, methods[i], 32, 1, QuantizationSettings.DEFAULT_ROWS), out,
          FP32, ProgressListener.NONE);
      assertTrue(Files.isRegularFile(out.resolve("report.json")));
      reports[i] = r.report();
      JsonNode a = r.report().path("agreement");
      System.out.printf("%s 4-bit %s: mask IoU %.4f, low-res logits rel. L2 %.4f, embedding rel."
          + " L2 %.4f, dir %d bytes (checkpoint %d)%n", m, methods[i], a.path("mask_iou_mean")
          .asDouble(), a.path("low_res_logits_rel_l2").asDouble(), a.path("embedding_rel_l2")
          .asDouble(), r.report().path("size_bytes").path("quantized_dir").asLong(),
          r.report().path("size_bytes").path("checkpoint").asLong());
      JsonNode sum = r.report().path("layer_error_summary");
      assertTrue(sum.path("layers").asInt() > 0, "no linear layer was quantized");
      assertEquals(sum.path("layers").asInt(), sum.path("layers_not_worse").asInt());
      // a user's load: the directory alone, moved away from the checkpoint
      Path moved = Files.move(out, tmp.resolve("moved-" + i));
      RgbImage img = Images.read(Fixtures.imageFile("picture1.jpg"));
      try (SamModel q = SamModel.load(moved); SamPredictor p = q.newPredictor()) {
        p.setImage(img);
        List<Prediction> preds = p.predictBatch(QuantReport.points(img).subList(0, 4));
        assertEquals(4, preds.size());
        assertTrue(preds.get(0).size() > 0);
      }
    }
    double minmax = reports[0].path("agreement").path("low_res_logits_rel_l2").asDouble();
    double calibrated = reports[1].path("agreement").path("low_res_logits_rel_l2").asDouble();
    assertTrue(calibrated <= minmax, "calibrated " + calibrated + " > min-max " + minmax);
    // random weights are harsh on 4 bits (min-max: mask IoU 0.67 for SAM 2.1's Hiera fixture)
    double iouMinmax = reports[0].path("agreement").path("mask_iou_mean").asDouble();
    double iouCalibrated = reports[1].path("agreement").path("mask_iou_mean").asDouble();
    assertTrue(iouCalibrated >= iouMinmax && iouCalibrated > 0.8,
        "calibrated mask IoU " + iouCalibrated + ", min-max " + iouMinmax);
  }
}
