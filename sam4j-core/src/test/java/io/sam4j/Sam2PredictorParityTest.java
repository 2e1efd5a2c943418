package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Sam2Fixtures;
import io.sam4j.fixtures.Sam2Fixtures.Model;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SAM 2 family's prompt decoder and image predictor against the reference, from the fixtures'
 * own embeddings (and high-resolution features): every case of SAM 2.1's dog (the image with
 * high-resolution features) and of EfficientTAM's dog and picture1 (512-pixel input, 128 low-res
 * logits, no high-resolution features). IoU within 1e-3, low-res logits (clamped to 32 as the
 * reference returns them) within 1e-3 relative L2, masks identical except where the upscaled
 * logit is within 1e-3 of zero.
 */
class Sam2PredictorParityTest {
  @Test
  void sam21DogMatchesReference() {
    check(Model.SAM2_1, List.of("dog"));
  }

  @Test
  void efficientTamMatchesReference() {
    check(Model.EFFICIENTTAM, Sam2Fixtures.images(Model.EFFICIENTTAM));
  }

  private static void check(Model m, List<String> images) {
    StateDict sd = CheckpointReader.read(Sam2Fixtures.checkpoint(m));
    try (SamModel model = SamModel.sam2WithoutEncoder(sd, Sam2Fixtures.spec(m, sd),
        RuntimeOptions.defaults());
         SamPredictor predictor = model.newPredictor()) {
      for (String image : images) {
        predictor.setEmbedding(embedding(m, image, model.imageSize()));
        JsonNode info = Sam2Fixtures.image(m, image);
        Map<String, Prediction> done = new HashMap<>();
        int cases = 0;
        for (JsonNode c : info.get("cases")) {
          String name = c.get("name").asText();
          Prediction p = predictor.predict(FixtureCases.prompt(c, done));
          done.put(name, p);
          checkCase(predictor, p, m, image, name);
          cases++;
        }
        assertEquals(5, cases, m + " " + image + " cases");
      }
    }
  }

  /** The fixture's embedding of an image, with its high-resolution features where it has them. */
  static ImageEmbedding embedding(Model m, String image, int s) {
    JsonNode info = Sam2Fixtures.image(m, image);
    Tensor emb = Sam2Fixtures.array(m, image, "image_embeddings.npy");
    List<float[]> hr = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      if (Files.exists(Sam2Fixtures.output(m, image, "high_res_feats_" + i + ".npy"))) {
        Tensor t = Sam2Fixtures.array(m, image, "high_res_feats_" + i + ".npy");
        hr.add(t.toFloatArray());
        shapes.add(t.shape());
      }
    }
    int[] orig = {info.get("original_size").get(0).asInt(), info.get("original_size").get(1).asInt()};
    return new ImageEmbedding(emb.toFloatArray(), emb.shape(), hr, shapes, orig, new int[] {s, s},
        null);
  }

  static void checkCase(SamPredictor predictor, Prediction p, Model m, String image,
      String name) {
    String what = m + " " + image + " " + name;
    float[] iouRef = Sam2Fixtures.array(m, image, name + "/iou_predictions.npy").toFloatArray();
    float[] lowAll = Sam2Fixtures.array(m, image, name + "/low_res_logits.npy").toFloatArray();
    Tensor maskRef = Sam2Fixtures.array(m, image, name + "/masks.npy.gz");
    byte[] masksAll = new byte[(int) maskRef.numel()];
    maskRef.contiguousBytes().get(masksAll);
    assertEquals(iouRef.length, p.size(), what + " mask count");
    int side = p.lowResSize();
    assertEquals(m == Model.EFFICIENTTAM ? 128 : 256, side, what + " low-res side");
    int hw = p.masks().get(0).width() * p.masks().get(0).height();
    assertEquals(masksAll.length / iouRef.length, hw, what + " mask size");
    for (int i = 0; i < p.size(); i++) {
      assertEquals(iouRef[i], p.iouPredictions()[i], 1e-3, what + " iou[" + i + "]");
      float[] low = p.lowResLogits(i);
      float[] lowR = Arrays.copyOfRange(lowAll, i * side * side, (i + 1) * side * side);
      double err = Fixtures.relL2(low, lowR);
      assertTrue(err < 1e-3, what + " low-res logits[" + i + "] rel L2 " + err);
      for (float v : low) {
        assertTrue(Math.abs(v) <= 32f, what + " low-res logits are clamped to 32");
      }
      float[] full = predictor.upscaleLogits(low);
      byte[] mask = p.masks().get(i).toByteArray();
      int differ = 0;
      int boundary = 0;
      float worst = 0;
      for (int k = 0; k < hw; k++) {
        if (mask[k] != masksAll[i * hw + k]) {
          if (Math.abs(full[k]) >= 1e-3) {
            differ++;
          } else {
            boundary++;
            worst = Math.max(worst, Math.abs(full[k]));
          }
        }
      }
      assertEquals(0, differ, what + " mask[" + i + "] pixels differing away from the boundary");
      System.out.printf("%s mask %d: iou %.6f/%.6f low-res rel L2 %.2e, %d boundary pixels"
          + " (|logit| <= %.1e)%n", what, i, p.iouPredictions()[i], iouRef[i], err, boundary, worst);
    }
  }
}
