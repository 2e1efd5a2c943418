package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * int8 against fp32 on every public fixture case (from the JPEGs): the final masks' IoU averaged
 * over all cases at least 0.95 (the bar of issue #5; random weights are harsher on quantization
 * than trained ones) and image embeddings within 5% relative L2. Measured when written: mean IoU
 * 0.991 (MobileSAM, 27 masks) and 0.990 (ViT-B depth 2); worst embeddings 0.021 and 0.023.
 */
class Int8AgreementTest {
  @ParameterizedTest
  @EnumSource(value = Model.class, names = {"MOBILESAM", "SAM_VIT_B_D2"})
  void int8MasksAgreeWithFp32(Model m) {
    double iouSum = 0;
    int masks = 0;
    double worstEmbedding = 0;
    try (SamModel fp32 = SamModel.load(Fixtures.checkpoint(m), Fixtures.spec(m),
            new RuntimeOptions(0, true, Precision.FP32));
         SamModel int8 = SamModel.load(Fixtures.checkpoint(m), Fixtures.spec(m),
            new RuntimeOptions(0, true, Precision.INT8));
         SamPredictor f = fp32.newPredictor();
         SamPredictor q = int8.newPredictor()) {
      for (String image : Fixtures.images(m)) {
        RgbImage img = Images.read(Fixtures.imageFile(image + ".jpg"));
        f.setImage(img);
        q.setImage(img);
        worstEmbedding = Math.max(worstEmbedding,
            Fixtures.relL2(q.embedding().data(), f.embedding().data()));
        Map<String, Prediction> doneF = new HashMap<>();
        Map<String, Prediction> doneQ = new HashMap<>();
        JsonNode info = Fixtures.image(m, image);
        for (JsonNode c : info.get("cases")) {
          String name = c.get("name").asText();
          // each precision refines its own earlier masks, as a user's session would
          Prediction pf = f.predict(FixtureCases.prompt(c, doneF));
          Prediction pq = q.predict(FixtureCases.prompt(c, doneQ));
          doneF.put(name, pf);
          doneQ.put(name, pq);
          assertEquals(pf.size(), pq.size(), name);
          for (int i = 0; i < pf.size(); i++) {
            iouSum += pf.masks().get(i).iou(pq.masks().get(i));
            masks++;
          }
        }
      }
    }
    double meanIou = iouSum / masks;
    System.out.printf("int8 vs fp32, %s: mean mask IoU %.4f over %d masks, embeddings rel L2 "
        + "<= %.4f%n", m, meanIou, masks, worstEmbedding);
    assertTrue(meanIou >= 0.95, m + ": mean mask IoU int8 vs fp32 " + meanIou);
    assertTrue(worstEmbedding < 0.05, m + ": embeddings rel L2 int8 vs fp32 " + worstEmbedding);
  }
}
