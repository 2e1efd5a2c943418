package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.InferenceSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictor behaviour beyond single prompts: batching, embedding reuse, misuse. */
class PredictorTest {
  private static SamModel model;

  @BeforeAll
  static void load() {
    model = SamModel.load(Fixtures.checkpoint(Model.MOBILESAM));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static List<Prompt> fixturePrompts(SamPredictor predictor, JsonNode info) {
    Map<String, Prediction> done = new HashMap<>();
    List<Prompt> prompts = new ArrayList<>();
    for (JsonNode c : info.get("cases")) {
      Prompt p = FixtureCases.prompt(c, done);
      prompts.add(p);
      done.put(c.get("name").asText(), predictor.predict(p));
    }
    return prompts;
  }

  @Test
  void batchedDecodingEqualsOneByOne() {
    try (SamPredictor predictor = model.newPredictor()) {
      JsonNode info = Fixtures.image(Model.MOBILESAM, "dog");
      predictor.setPreResizedImage(Images.read(Fixtures.imageFile("dog.resized.png")), 534, 800);
      List<Prompt> prompts = new ArrayList<>(fixturePrompts(predictor, info));
      // many boxes of the same structure, as a user sends them, plus the fixture cases
      for (int i = 0; i < 40; i++) {
        prompts.add(Prompt.builder().box(10 + i * 5, 20 + i * 5, 300 + i * 10, 300 + i * 4).build());
      }
      List<Prediction> batch = predictor.predictBatch(prompts);
      assertEquals(prompts.size(), batch.size());
      for (int i = 0; i < prompts.size(); i++) {
        Prediction single = predictor.predict(prompts.get(i));
        Prediction b = batch.get(i);
        assertEquals(single.size(), b.size());
        assertArrayEquals(single.iouPredictions(), b.iouPredictions(), 1e-5f, "prompt " + i);
        for (int k = 0; k < b.size(); k++) {
          double err = Fixtures.relL2(b.lowResLogits(k), single.lowResLogits(k));
          assertTrue(err < 1e-5, "prompt " + i + " mask " + k + " rel L2 " + err);
        }
      }
    }
  }

  @Test
  void savedEmbeddingReproducesPredictions(@TempDir Path dir) {
    JsonNode info = Fixtures.image(Model.MOBILESAM, "picture1");
    Prompt prompt = Prompt.builder().point(400, 300, Label.FOREGROUND).multimask(true).build();
    Prediction before;
    ImageEmbedding emb;
    try (SamPredictor predictor = model.newPredictor()) {
      predictor.setPreResizedImage(Images.read(Fixtures.imageFile("picture1.resized.png")),
          info.get("original_size").get(0).asInt(), info.get("original_size").get(1).asInt());
      emb = predictor.embedding();
      before = predictor.predict(prompt);
    }
    Path npy = dir.resolve("emb.npy");
    Npy.writeFloats(npy, emb.data(), emb.shape());
    float[] loaded = Npy.read(npy).toFloatArray();
    try (SamPredictor other = model.newPredictor()) {
      other.setEmbedding(new ImageEmbedding(loaded, emb.shape(), emb.originalSize(), emb.inputSize()));
      Prediction after = other.predict(prompt);
      assertArrayEquals(before.iouPredictions(), after.iouPredictions());
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.lowResLogits(i), after.lowResLogits(i));
        assertEquals(before.masks().get(i), after.masks().get(i));
      }
    }
  }

  @Test
  void maskOnlyPromptDecodesWithoutSparseTokens() {
    try (SamPredictor predictor = model.newPredictor()) {
      predictor.setPreResizedImage(Images.read(Fixtures.imageFile("dog.resized.png")), 534, 800);
      Prediction first = predictor.predict(Prompt.builder().point(300, 200, Label.FOREGROUND).build());
      Prompt maskOnly = Prompt.builder().maskInput(first.lowResLogits(0)).build();
      assertEquals(0, maskOnly.tokenCount());
      Prediction p = predictor.predict(maskOnly);
      assertEquals(1, p.size());
      assertEquals(534, p.masks().get(0).height());
      // a different prompt gives a different answer: the mask input is really used
      assertTrue(Fixtures.relL2(p.lowResLogits(0), first.lowResLogits(0)) > 1e-3);
    }
  }

  @Test
  void masksMadeInParallelRowRangesEqualTheirUpscaledLogitsAtEveryWidth() {
    // widths with 1, 2, 4 and 64 pixels per row-range step (the ranges start on whole words)
    int[][] sizes = {{7, 5}, {130, 3}, {101, 67}, {36, 200}};
    Random r = new Random(5);
    try (SamPredictor predictor = model.newPredictor()) {
      for (int[] size : sizes) {
        byte[] px = new byte[size[0] * size[1] * 3];
        r.nextBytes(px);
        predictor.setImage(RgbImage.of(size[0], size[1], px));
        Prediction p = predictor.predict(Prompt.builder()
            .point(size[0] / 2.0, size[1] / 2.0, Label.FOREGROUND).multimask(true).build());
        for (int i = 0; i < p.size(); i++) {
          float[] full = predictor.upscaleLogits(p.lowResLogits(i));
          Mask mask = p.masks().get(i);
          assertEquals(size[0], mask.width());
          assertEquals(size[1], mask.height());
          for (int y = 0; y < size[1]; y++) {
            for (int x = 0; x < size[0]; x++) {
              assertEquals(full[y * size[0] + x] > 0f, mask.get(x, y),
                  size[0] + "x" + size[1] + " mask " + i + " at " + x + "," + y);
            }
          }
        }
      }
    }
  }

  @Test
  void theMaskInputDecoderIsMadeOnceOnFirstUseAndClosedWithTheModel() throws Exception {
    try (SamModel own = SamModel.load(Fixtures.checkpoint(Model.MOBILESAM))) {
      List<Future<InferenceSession>> made = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int i = 0; i < 4; i++) {
          made.add(pool.submit(() -> ((SamBackend) own.backend()).maskInputDecoder()));
        }
        for (var f : made) {
          assertSame(made.get(0).get(), f.get());
        }
      } finally {
        pool.shutdown();
      }
      own.close();
      assertThrows(IllegalStateException.class,
          () -> ((SamBackend) own.backend()).maskInputDecoder());
    }
  }

  @Test
  void misuseFailsClearly() {
    SamPredictor predictor = model.newPredictor();
    Prompt p = Prompt.builder().point(1, 1, Label.FOREGROUND).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> predictor.predict(p));
    assertTrue(e.getMessage().contains("setImage"));
    predictor.close();
    assertThrows(IllegalStateException.class, () -> predictor.predict(p));
    SamException wrongSize = assertThrows(SamException.class, () -> model.newPredictor()
        .setPreResizedImage(Images.read(Fixtures.imageFile("dog.resized.png")), 500, 800));
    assertTrue(wrongSize.getMessage().contains("resizes to"), wrongSize.getMessage());
  }

  @Test
  void invalidPromptsAreRefused() {
    assertEquals(SamException.Kind.BAD_PROMPT, assertThrows(SamException.class,
        () -> Prompt.builder().point(Double.NaN, 1, Label.FOREGROUND)).kind());
    assertTrue(assertThrows(SamException.class, () -> Prompt.builder().box(10, 10, 5, 20))
        .getMessage().contains("x0 <= x1"));
    assertTrue(assertThrows(SamException.class, () -> Prompt.builder().build())
        .getMessage().contains("empty"));
    assertTrue(assertThrows(SamException.class, () -> Label.of(2)).getMessage().contains("label 2"));
  }

  /** Points and boxes outside the image are legal, as in the reference: they are not clipped. */
  @Test
  void promptsOutsideTheImageAreLegal() {
    try (SamPredictor predictor = model.newPredictor()) {
      predictor.setPreResizedImage(Images.read(Fixtures.imageFile("dog.resized.png")), 534, 800);
      Prompt outside = Prompt.builder().point(-200, 900, Label.FOREGROUND)
          .point(5000, -3, Label.BACKGROUND).box(-50, -60, 1000, 700).multimask(true).build();
      Prediction p = predictor.predict(outside);
      assertEquals(3, p.size());
      for (int i = 0; i < p.size(); i++) {
        assertTrue(Float.isFinite(p.iouPredictions()[i]), "IoU " + i);
        for (float v : p.lowResLogits(i)) {
          assertTrue(Float.isFinite(v), "low-res logits of mask " + i);
        }
      }
    }
  }

  @Test
  void blankEmbeddingHasTheModelsShapesAndDecodes() {
    ImageEmbedding blank = model.blankEmbedding(534, 800);
    assertArrayEquals(new long[] {1, 256, 64, 64}, blank.shape());
    // 534 x 800 resized to a longest side of 1024: 534 * 1.28 = 683.52, rounded half up
    assertArrayEquals(new int[] {684, 1024}, blank.inputSize());
    assertArrayEquals(new int[] {534, 800}, blank.originalSize());
    assertTrue(!blank.hasHighResFeatures());
    try (SamPredictor predictor = model.newPredictor()) {
      predictor.setEmbedding(blank);
      Prediction p = predictor.predict(Prompt.builder().point(400, 300, Label.FOREGROUND)
          .multimask(true).build());
      assertEquals(3, p.masks().size());
      assertEquals(800, p.masks().get(0).width());
      assertEquals(534, p.masks().get(0).height());
    }
  }
}
