package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Sam2Fixtures;
import io.sam4j.fixtures.Sam2Fixtures.Model;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.LowResPrediction;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SAM 2 predictor's contract beyond parity: batches equal single calls, embeddings survive a
 * save and load as one .npz with their high-resolution features, embeddings of other models and
 * pre-resized images are refused with clear messages.
 */
class Sam2PredictorTest {
  private static SamModel sam21;
  private static SamModel efficientTam;

  @BeforeAll
  static void load() {
    StateDict sd = CheckpointReader.read(Sam2Fixtures.checkpoint(Model.SAM2_1));
    sam21 = SamModel.sam2WithoutEncoder(sd, Sam2Fixtures.spec(Model.SAM2_1, sd),
        RuntimeOptions.defaults());
    StateDict e = CheckpointReader.read(Sam2Fixtures.checkpoint(Model.EFFICIENTTAM));
    efficientTam = SamModel.sam2WithoutEncoder(e, Sam2Fixtures.spec(Model.EFFICIENTTAM, e),
        RuntimeOptions.defaults());
  }

  @AfterAll
  static void close() {
    sam21.close();
    efficientTam.close();
  }

  private static List<Prompt> casePrompts(SamPredictor predictor, Model m) {
    JsonNode info = Sam2Fixtures.image(m, "dog");
    Map<String, Prediction> done = new HashMap<>();
    List<Prompt> prompts = new ArrayList<>();
    for (JsonNode c : info.get("cases")) {
      Prompt p = FixtureCases.prompt(c, done);
      done.put(c.get("name").asText(), predictor.predict(p));
      prompts.add(p);
    }
    return prompts;
  }

  @Test
  void batchesEqualSingleCalls() {
    try (SamPredictor predictor = sam21.newPredictor()) {
      predictor.setEmbedding(Sam2PredictorParityTest.embedding(Model.SAM2_1, "dog", 1024));
      List<Prompt> prompts = new ArrayList<>(casePrompts(predictor, Model.SAM2_1));
      // same SAM 1 token count (3), different SAM 2 counts (4 and 3): must not share a batch
      prompts.add(Prompt.builder().point(10, 20, Label.FOREGROUND).box(5, 5, 300, 200).build());
      prompts.add(Prompt.builder().point(10, 20, Label.FOREGROUND).point(400, 300,
          Label.BACKGROUND).multimask(true).build());
      prompts.add(Prompt.builder().point(600, 100, Label.FOREGROUND).multimask(true).build());
      List<Prediction> batch = predictor.predictBatch(prompts);
      List<LowResPrediction> low = predictor.predictLowRes(prompts);
      for (int i = 0; i < prompts.size(); i++) {
        Prediction one = predictor.predict(prompts.get(i));
        Prediction b = batch.get(i);
        assertEquals(one.size(), b.size(), "prompt " + i);
        assertEquals(prompts.get(i).multimask() ? 3 : 1, one.size(), "prompt " + i);
        for (int k = 0; k < one.size(); k++) {
          assertEquals(one.iouPredictions()[k], b.iouPredictions()[k], 1e-5);
          assertEquals(one.iouPredictions()[k], low.get(i).iouPredictions()[k], 1e-5);
          assertTrue(io.sam4j.fixtures.Fixtures.relL2(b.lowResLogits(k), one.lowResLogits(k))
              < 1e-5, "prompt " + i + " mask " + k);
          assertTrue(io.sam4j.fixtures.Fixtures.relL2(low.get(i).lowResLogits(k),
              one.lowResLogits(k)) < 1e-5, "prompt " + i + " mask " + k);
        }
      }
    }
  }

  @Test
  void embeddingsRoundTripAsOneNpz(@TempDir Path dir) throws Exception {
    ImageEmbedding emb = Sam2PredictorParityTest.embedding(Model.SAM2_1, "dog", 1024);
    Path file = dir.resolve("dog.npz");
    emb.save(file, sam21.name());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "one file");
    }
    ImageEmbedding back = ImageEmbedding.load(file);
    assertArrayEquals(emb.data(), back.data());
    assertEquals(2, back.highResLevels());
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(emb.highResFeatures(i), back.highResFeatures(i));
      assertArrayEquals(emb.highResShape(i), back.highResShape(i));
    }
    assertArrayEquals(emb.originalSize(), back.originalSize());
    assertArrayEquals(emb.inputSize(), back.inputSize());
    assertEquals(sam21.name(), back.model().orElseThrow());
    Prompt p = Prompt.builder().point(770, 244, Label.FOREGROUND).multimask(true).build();
    try (SamPredictor a = sam21.newPredictor(); SamPredictor b = sam21.newPredictor()) {
      a.setEmbedding(emb);
      b.setEmbedding(back);
      assertArrayEquals(a.predict(p).iouPredictions(), b.predict(p).iouPredictions());
    }
    SamException npy = assertThrows(SamException.class, () -> emb.save(dir.resolve("x.npy"),
        "m"));
    assertTrue(npy.getMessage().contains(".npz"), npy.getMessage());
  }

  @Test
  void embeddingsOfOtherModelsAreRefused(@TempDir Path dir) {
    ImageEmbedding emb = Sam2PredictorParityTest.embedding(Model.SAM2_1, "dog", 1024);
    try (SamPredictor p = efficientTam.newPredictor()) {
      SamException e = assertThrows(SamException.class, () -> p.setEmbedding(emb));
      assertTrue(e.getMessage().contains("another model"), e.getMessage());
    }
    Path file = dir.resolve("other.npz");
    emb.save(file, "sam2.1_hiera_l");
    try (SamPredictor p = sam21.newPredictor()) {
      SamException e = assertThrows(SamException.class,
          () -> p.setEmbedding(ImageEmbedding.load(file)));
      assertTrue(e.getMessage().contains("sam2.1_hiera_l"), e.getMessage());
      ImageEmbedding bare = new ImageEmbedding(emb.data(), emb.shape(), emb.originalSize(),
          emb.inputSize());
      e = assertThrows(SamException.class, () -> p.setEmbedding(bare));
      assertTrue(e.getMessage().contains("high-resolution"), e.getMessage());
    }
  }

  @Test
  void preResizedImagesAndMissingEncoderFailClearly() {
    RgbImage img = RgbImage.of(32, 32, new byte[32 * 32 * 3]);
    try (SamPredictor p = sam21.newPredictor()) {
      SamException e = assertThrows(SamException.class, () -> p.setPreResizedImage(img, 64, 64));
      assertTrue(e.getMessage().contains("SAM 2") && e.getMessage().contains("1024x1024"),
          e.getMessage());
      IllegalStateException s = assertThrows(IllegalStateException.class, () -> p.setImage(img));
      assertTrue(s.getMessage().contains("setEmbedding"), s.getMessage());
    }
    assertThrows(IllegalStateException.class, () -> sam21.spec());
    assertEquals(256, sam21.lowResSize());
    assertEquals(128, efficientTam.lowResSize());
    assertEquals(0.8, AutomaticMaskGenerator.defaults(sam21).build().predIouThresh());
  }

  @Test
  void singleMaskFallsBackToTheBestMultimaskOutputWhenUnstable() {
    int area = 4;
    float[] low = {
        0.01f, 0.01f, -0.01f, 1f, // token 0: 3 of 4 within +-delta: stability 1/4
        1f, 1f, 1f, 1f,
        2f, 2f, 2f, 2f,
        3f, 3f, 3f, 3f};
    float[] iou = {0.9f, 0.1f, 0.7f, 0.3f};
    Sam2PromptDecoder.dynamicMultimask(low, iou, 0, 4, area, 0.05f, 0.98f);
    assertArrayEquals(new float[] {2f, 2f, 2f, 2f}, java.util.Arrays.copyOf(low, 4));
    assertEquals(0.7f, iou[0]);
    float[] stable = {1f, 1f, -1f, -1f, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    float[] iou2 = {0.2f, 0.9f, 0.9f, 0.9f};
    Sam2PromptDecoder.dynamicMultimask(stable, iou2, 0, 4, area, 0.05f, 0.98f);
    assertArrayEquals(new float[] {1f, 1f, -1f, -1f}, java.util.Arrays.copyOf(stable, 4));
    assertEquals(0.2f, iou2[0]);
  }

  @Test
  void blankEmbeddingCarriesHighResFeaturesAndDecodes() {
    ImageEmbedding blank = sam21.blankEmbedding(534, 800);
    assertEquals(2, blank.highResLevels());
    long[] e = blank.shape();
    assertArrayEquals(new long[] {1, e[1] / 8, 4 * e[2], 4 * e[3]}, blank.highResShape(0));
    assertArrayEquals(new long[] {1, e[1] / 4, 2 * e[2], 2 * e[3]}, blank.highResShape(1));
    int s = sam21.imageSize();
    assertArrayEquals(new int[] {s, s}, blank.inputSize()); // the whole image resized square
    try (SamPredictor predictor = sam21.newPredictor()) {
      predictor.setEmbedding(blank); // refused if any shape differed from the model's
      Prediction p = predictor.predict(Prompt.builder().point(400, 300, Label.FOREGROUND)
          .multimask(false).build());
      assertEquals(1, p.masks().size());
      assertEquals(800, p.masks().get(0).width());
      assertEquals(534, p.masks().get(0).height());
    }
  }
}
