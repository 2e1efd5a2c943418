package io.sam4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.fixtures.FixtureCases;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Prompt;
import io.sam4j.registry.ProgressListener;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized model directories of the MobileSAM fixture: written, loaded back without the
 * checkpoint, and compared with the float32 model on the fixture's prompt cases; and the errors
 * a user can run into.
 */
class QuantizerTest {
  private static final RuntimeOptions FP32 = RuntimeOptions.defaults();

  @TempDir Path tmp;

  private static Path photo(String name) {
    return Fixtures.imageFile(name + ".jpg");
  }

  @Test
  void savedDirectoryLoadsBackWithTheSameMasks() throws IOException {
    Path out = tmp.resolve("w4");
    Quantizer.Result r = Quantizer.quantize(Fixtures.checkpoint(Model.MOBILESAM), null,
        List.of(photo("dog")), new QuantizationSettings(4, QuantizationSettings.Method.CALIBRATED,
            32, 1, 512), out, FP32, ProgressListener.NONE);
    assertTrue(Files.isRegularFile(out.resolve("report.json")));
    assertTrue(Files.size(out.resolve("report.png")) > 1000);
    assertTrue(r.report().path("agreement").path("mask_iou_mean").asDouble() > 0.9);
    // moved elsewhere, beside no checkpoint: the directory is all it needs
    Path moved = Files.move(out, tmp.resolve("elsewhere"));
    RgbImage img = Images.read(photo("picture1"));
    List<Prompt> prompts = QuantReport.points(img).subList(0, 8);
    List<Prediction> first;
    float[] embedding;
    try (SamModel m = SamModel.load(moved); SamPredictor p = m.newPredictor()) {
      p.setImage(img);
      embedding = p.embedding().data();
      first = p.predictBatch(prompts);
    }
    try (SamModel m = SamModel.load(moved); SamPredictor p = m.newPredictor()) {
      p.setImage(img);
      assertArrayEquals(embedding, p.embedding().data());
      List<Prediction> again = p.predictBatch(prompts);
      for (int i = 0; i < prompts.size(); i++) {
        for (int k = 0; k < first.get(i).size(); k++) {
          assertEquals(1.0, first.get(i).masks().get(k).iou(again.get(i).masks().get(k)));
        }
      }
    }
  }

  /**
   * Static int8 (every convolution and linear layer of the encoder) against float32 on every
   * fixture case of the three photos, from the JPEGs: the masks' IoU averaged over all cases at
   * least 0.97, no case below 0.93 (random weights are harsher on quantization than trained ones).
   */
  @Test
  void int8StaticAgreesWithFp32OnEveryFixtureCase() {
    Path out = tmp.resolve("int8");
    Quantizer.quantize(Fixtures.checkpoint(Model.MOBILESAM), null,
        List.of(photo("dog"), photo("picture1")),
        QuantizationSettings.of(8, QuantizationSettings.Method.CALIBRATED), out, FP32,
        ProgressListener.NONE);
    double sum = 0;
    double worst = 1;
    int masks = 0;
    try (SamModel f = SamModel.load(Fixtures.checkpoint(Model.MOBILESAM));
         SamModel q = SamModel.load(out);
         SamPredictor pf = f.newPredictor();
         SamPredictor pq = q.newPredictor()) {
      for (String image : Fixtures.images(Model.MOBILESAM)) {
        RgbImage img = Images.read(photo(image));
        pf.setImage(img);
        pq.setImage(img);
        Map<String, Prediction> doneF = new HashMap<>();
        Map<String, Prediction> doneQ = new HashMap<>();
        for (JsonNode c : Fixtures.image(Model.MOBILESAM, image).get("cases")) {
          String name = c.get("name").asText();
          Prediction a = pf.predict(FixtureCases.prompt(c, doneF));
          Prediction b = pq.predict(FixtureCases.prompt(c, doneQ));
          doneF.put(name, a);
          doneQ.put(name, b);
          assertEquals(a.size(), b.size(), name);
          for (int i = 0; i < a.size(); i++) {
            double iou = a.masks().get(i).iou(b.masks().get(i));
            System.out.printf("int8 static vs fp32, %s %s mask %d: IoU %.4f%n", image, name, i,
                iou);
            sum += iou;
            worst = Math.min(worst, iou);
            masks++;
          }
        }
      }
    }
    double mean = sum / masks;
    System.out.printf("int8 static vs fp32: mean mask IoU %.4f over %d masks, worst %.4f%n", mean,
        masks, worst);
    assertTrue(mean >= 0.97, "mean mask IoU " + mean);
    assertTrue(worst >= 0.93, "worst mask IoU " + worst);
  }

  @Test
  void calibrationFolderWithoutImagesIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("calib"));
    Files.writeString(dir.resolve("README.txt"), "not a photo");
    SamException e = assertThrows(SamException.class, () -> Quantizer.quantize(
        Fixtures.checkpoint(Model.MOBILESAM), null, List.of(dir),
        QuantizationSettings.of(4, QuantizationSettings.Method.MINMAX), tmp.resolve("out"), FP32,
        ProgressListener.NONE));
    assertTrue(e.getMessage().contains("no readable image"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("out")));
  }

  @Test
  void bitWidthsOtherThan842AreRefused() {
    SamException e = assertThrows(SamException.class, () ->
        QuantizationSettings.of(3, QuantizationSettings.Method.CALIBRATED));
    assertTrue(e.getMessage().contains("8, 4 or 2"), e.getMessage());
  }

  @Test
  void nonEmptyOutputDirectoryIsRefused() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("taken"));
    Files.writeString(out.resolve("keep.txt"), "mine");
    SamException e = assertThrows(SamException.class, () -> Quantizer.quantize(
        Fixtures.checkpoint(Model.MOBILESAM), null, List.of(photo("dog")),
        QuantizationSettings.of(4, QuantizationSettings.Method.MINMAX), out, FP32,
        ProgressListener.NONE));
    assertTrue(e.getMessage().contains("not an empty directory"), e.getMessage());
    assertEquals("mine", Files.readString(out.resolve("keep.txt")));
  }

  @Test
  void interruptedQuantizationLeavesNothingBehind() throws IOException {
    Path out = tmp.resolve("interrupted");
    // fails once the graphs are written, while the report is being measured
    ProgressListener interrupt = new ProgressListener() {
      @Override
      public void begin(String task, long done, long total) {
        if (task.startsWith("comparing")) {
          throw new SamException(SamException.Kind.RUNTIME, "interrupted");
        }
      }

      @Override
      public void update(long done) {}

      @Override
      public void end() {}
    };
    assertThrows(SamException.class, () -> Quantizer.quantize(
        Fixtures.checkpoint(Model.MOBILESAM), null, List.of(photo("dog")),
        new QuantizationSettings(4, QuantizationSettings.Method.MINMAX, 32, 1, 64), out, FP32,
        interrupt));
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.toList(), "a partial directory was left");
    }
  }
}
