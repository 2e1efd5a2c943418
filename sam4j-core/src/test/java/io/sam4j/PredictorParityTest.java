package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.result.Prediction;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole predictor against the reference on every public fixture: from the reference's resized
 * pixels, embeddings within 1e-4 relative L2, IoU predictions within 1e-3, low-res logits within
 * 1e-3 relative L2, masks identical except where the logit is within 1e-3 of zero.
 */
class PredictorParityTest {
  @ParameterizedTest
  @EnumSource(Model.class)
  void matchesReferenceFromResizedImages(Model m) {
    try (SamModel model = SamModel.load(Fixtures.checkpoint(m), Fixtures.spec(m));
         SamPredictor predictor = model.newPredictor()) {
      for (String image : Fixtures.images(m)) {
        JsonNode info = Fixtures.image(m, image);
        int h = info.get("original_size").get(0).asInt();
        int w = info.get("original_size").get(1).asInt();
        predictor.setPreResizedImage(Images.read(Fixtures.imageFile(image + ".resized.png")), h, w);
        float[] ref = Npy.read(Fixtures.output(m, image, "image_embeddings.npy")).toFloatArray();
        double embErr = Fixtures.relL2(predictor.embedding().data(), ref);
        assertTrue(embErr < 1e-4, m + " " + image + " embeddings rel L2 " + embErr);
        Map<String, Prediction> done = new HashMap<>();
        for (JsonNode c : info.get("cases")) {
          String name = c.get("name").asText();
          String what = m + " " + image + " " + name;
          Prediction p = predictor.predict(FixtureCases.prompt(c, done));
          done.put(name, p);
          checkCase(predictor, p, m, image, name, what);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void matchesReferenceFromJpegs(Model m) {
    try (SamModel model = SamModel.load(Fixtures.checkpoint(m), Fixtures.spec(m));
         SamPredictor predictor = model.newPredictor()) {
      for (String image : Fixtures.images(m)) {
        JsonNode info = Fixtures.image(m, image);
        predictor.setImage(Images.read(Fixtures.imageFile(image + ".jpg")));
        assertEquals(info.get("original_size").get(0).asInt(), predictor.embedding().originalSize()[0]);
        assertEquals(info.get("input_size").get(1).asInt(), predictor.embedding().inputSize()[1]);
        float[] ref = Npy.read(Fixtures.output(m, image, "image_embeddings.npy")).toFloatArray();
        double embErr = Fixtures.relL2(predictor.embedding().data(), ref);
        assertTrue(embErr < 1e-2, m + " " + image + " embeddings rel L2 from JPEG " + embErr);
        Map<String, Prediction> done = new HashMap<>();
        for (JsonNode c : info.get("cases")) {
          String name = c.get("name").asText();
          Prediction p = predictor.predict(FixtureCases.prompt(c, done));
          done.put(name, p);
          Tensor maskRef = Npy.read(Fixtures.output(m, image, name + "/masks.npy.gz"));
          byte[] all = new byte[(int) maskRef.numel()];
          maskRef.contiguousBytes().get(all);
          int hw = all.length / p.size();
          for (int i = 0; i < p.size(); i++) {
            byte[] mask = p.masks().get(i).toByteArray();
            long same = 0;
            for (int k = 0; k < hw; k++) {
              if (mask[k] == all[i * hw + k]) {
                same++;
              }
            }
            double agree = (double) same / hw;
            assertTrue(agree >= 0.995, m + " " + image + " " + name + " mask " + i
                + " agrees on " + agree + " of pixels");
          }
        }
      }
    }
  }

  static void checkCase(SamPredictor predictor, Prediction p, Model m, String image, String name,
      String what) {
    float[] iouRef = Npy.read(Fixtures.output(m, image, name + "/iou_predictions.npy")).toFloatArray();
    Tensor lowRef = Npy.read(Fixtures.output(m, image, name + "/low_res_logits.npy"));
    Tensor maskRef = Npy.read(Fixtures.output(m, image, name + "/masks.npy.gz"));
    assertEquals(iouRef.length, p.size(), what + " mask count");
    float[] lowAll = lowRef.toFloatArray();
    byte[] masksAll = new byte[(int) maskRef.numel()];
    maskRef.contiguousBytes().get(masksAll);
    int side = p.lowResSize();
    int hw = p.masks().get(0).width() * p.masks().get(0).height();
    for (int i = 0; i < p.size(); i++) {
      assertEquals(iouRef[i], p.iouPredictions()[i], 1e-3, what + " iou[" + i + "]");
      float[] low = p.lowResLogits(i);
      float[] lowR = java.util.Arrays.copyOfRange(lowAll, i * side * side, (i + 1) * side * side);
      double err = Fixtures.relL2(low, lowR);
      assertTrue(err < 1e-3, what + " low-res logits[" + i + "] rel L2 " + err);
      float[] full = predictor.upscaleLogits(low);
      byte[] mask = p.masks().get(i).toByteArray();
      int differ = 0;
      for (int k = 0; k < hw; k++) {
        if (mask[k] != masksAll[i * hw + k] && Math.abs(full[k]) >= 1e-3) {
          differ++;
        }
      }
      assertEquals(0, differ, what + " mask[" + i + "] pixels differing away from the boundary");
      System.out.printf("%s mask %d: iou %.6f/%.6f low-res rel L2 %.2e%n", what, i,
          p.iouPredictions()[i], iouRef[i], err);
    }
  }
}
