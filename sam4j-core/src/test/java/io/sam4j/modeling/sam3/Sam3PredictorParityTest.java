package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.MaskPostprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Sam3Model} and {@link Sam3Predictor} end to end against the processor's outputs, every
 * case of both images, from {@code .resized.png} (pre-resized) and from {@code .decoded.png}:
 * token ids, query logits, boxes and presence, the kept queries, their scores, pixel boxes and
 * masks (identical except pixels whose upsampled probability is within 1e-3 of 0.5).
 */
class Sam3PredictorParityTest {
  private static Sam3Model model;

  @BeforeAll
  static void load() {
    model = Sam3Model.load(Sam3Fixtures.checkpoint(), Sam3Fixtures.spec(), RuntimeOptions.defaults());
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  @ParameterizedTest
  @CsvSource({"dog,true", "dog,false", "picture1,true", "picture1,false"})
  void everyCaseMatchesTheProcessor(String image, boolean preResized) {
    JsonNode info = Sam3Fixtures.image(image);
    int h = info.get("original_size").get(0).asInt();
    int w = info.get("original_size").get(1).asInt();
    Sam3Predictor p = model.newPredictor();
    if (preResized) {
      p.setPreResizedImage(Images.read(Sam3Fixtures.file(image, image + ".resized.png")), h, w);
    } else {
      p.setImage(Images.read(Sam3Fixtures.file(image, image + ".decoded.png")));
    }
    for (JsonNode c : info.get("cases")) {
      String name = image + "/" + c.get("name").asText() + (preResized ? " (resized)" : "");
      String dir = c.get("name").asText() + "/";
      ConceptResult r = p.predict(prompt(c));
      long[] tokens = new long[32];
      for (int i = 0; i < 32; i++) {
        tokens[i] = c.get("tokens").get(i).asLong();
      }
      assertArrayEquals(tokens, r.tokens(), name + " tokens");
      double logits = Fixtures.relL2(r.predLogits(), npy(image, dir + "pred_logits.npy"));
      double boxes = Fixtures.relL2(r.predBoxes(), npy(image, dir + "pred_boxes.npy"));
      double presence = c.get("presence_logit_dec").asDouble();
      assertTrue(logits <= 1e-5, name + " pred_logits rel L2 " + logits);
      assertTrue(boxes <= 1e-5, name + " pred_boxes rel L2 " + boxes);
      assertEquals(presence, r.presenceLogit(), 1e-5 * Math.max(1, Math.abs(presence)));
      JsonNode keptRef = c.get("kept_query_indices");
      assertEquals(keptRef.size(), r.instances().size(), name + " kept count");
      float[] scores = npy(image, dir + "scores.npy");
      float[] boxesXyxy = npy(image, dir + "boxes.npy");
      float[] masks = keptRef.size() == 0 ? new float[0] : npy(image, dir + "masks.npy.gz");
      int off = 0;
      float[] lowRes = r.predMasks();
      for (int k = 0; k < keptRef.size(); k++) {
        ConceptResult.Instance in = r.instances().get(k);
        assertEquals(keptRef.get(k).asInt(), in.query(), name + " kept query " + k);
        assertEquals(scores[k], in.score(), 1e-5, name + " score " + k);
        for (int j = 0; j < 4; j++) {
          assertEquals(boxesXyxy[4 * k + j], in.box()[j], 1e-3, name + " box " + k);
        }
        float[] up = new float[h * w];
        MaskPostprocessor.direct(r.maskSize(), new int[] {h, w}).rows(lowRes,
            in.query() * r.maskSize() * r.maskSize(),
            (y, row) -> System.arraycopy(row, 0, up, y * w, w));
        int differ = 0;
        for (int i = 0; i < h * w; i++) {
          boolean ours = in.mask().get(i % w, i / w);
          boolean ref = masks[k * h * w + i] != 0;
          if (ours != ref) {
            float prob = Sam3Predictor.sigmoid(up[i]);
            assertTrue(Math.abs(prob - 0.5) <= 1e-3, name + " mask " + k + " pixel " + i
                + " differs at probability " + prob);
            differ++;
          }
        }
        off += differ;
      }
      System.out.printf("%s: logits %.3g boxes %.3g presence %+.2g kept %d, mask pixels off %d%n",
          name, logits, boxes, r.presenceLogit() - presence, r.instances().size(), off);
    }
  }

  /** From the JPEG (sam4j's decoder, then the resize): the 1e-2 bounds. */
  @ParameterizedTest
  @CsvSource({"dog", "picture1"})
  void fromTheJpegWithinOnePercent(String image) {
    JsonNode info = Sam3Fixtures.image(image);
    Sam3Predictor p = model.newPredictor();
    p.setImage(Images.read(Fixtures.imageFile(info.get("image").asText())));
    for (JsonNode c : info.get("cases")) {
      String name = image + "/" + c.get("name").asText() + " (jpeg)";
      String dir = c.get("name").asText() + "/";
      ConceptResult r = p.predict(prompt(c));
      double logits = Fixtures.relL2(r.predLogits(), npy(image, dir + "pred_logits.npy"));
      double boxes = Fixtures.relL2(r.predBoxes(), npy(image, dir + "pred_boxes.npy"));
      double presence = c.get("presence_logit_dec").asDouble();
      System.out.printf("%s: logits %.3g boxes %.3g presence %+.2g kept %d/%d%n", name, logits,
          boxes, r.presenceLogit() - presence, r.instances().size(),
          c.get("kept_query_indices").size());
      assertTrue(logits <= 1e-2, name + " pred_logits rel L2 " + logits);
      assertTrue(boxes <= 1e-2, name + " pred_boxes rel L2 " + boxes);
      assertEquals(presence, r.presenceLogit(), 1e-2 * Math.max(1, Math.abs(presence)), name);
    }
  }

  @Test
  void predictBeforeSetImageIsRefused() {
    Sam3Predictor p = model.newPredictor();
    assertThrows(IllegalStateException.class, () -> p.predict(ConceptPrompt.text("dog")));
    assertThrows(IllegalArgumentException.class, () -> ConceptPrompt.builder().build());
  }

  private static ConceptPrompt prompt(JsonNode c) {
    ConceptPrompt.Builder b = ConceptPrompt.builder();
    if (c.has("prompt")) {
      b.text(c.get("prompt").asText());
    }
    if (c.has("box_cxcywh_norm")) {
      JsonNode x = c.get("box_cxcywh_norm");
      b.box(x.get(0).asDouble(), x.get(1).asDouble(), x.get(2).asDouble(), x.get(3).asDouble(),
          c.get("label").asBoolean());
    }
    if (c.has("points_xy_norm")) {
      JsonNode pts = c.get("points_xy_norm");
      for (int i = 0; i < pts.size(); i++) {
        b.point(pts.get(i).get(0).asDouble(), pts.get(i).get(1).asDouble(),
            c.get("point_labels").get(i).asBoolean());
      }
    }
    return b.build();
  }

  private static float[] npy(String image, String relative) {
    Path f = Sam3Fixtures.file(image, relative);
    assertTrue(Files.exists(f), f + " missing");
    return Sam3Fixtures.npy(f).toFloatArray();
  }
}
