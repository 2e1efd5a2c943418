package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.SamPreprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sam4j export-onnx} loaded back by ONNX Runtime, and {@code sam4j everything}. */
class ExportAndEverythingTest {
  @TempDir Path dir;

  @Test
  void exportedFilesReproduceTheFixtureOutputs() throws IOException {
    Model m = Model.TINY;
    CliRunner r = CliRunner.run("export-onnx", "--model", Fixtures.checkpoint(m), "--spec",
        Fixtures.spec(m), "--out", dir);
    assertEquals(0, r.exitCode, r.err);
    for (String file : new String[] {"encoder.onnx", "decoder.onnx"}) {
      // standard operators only: other runtimes must be able to load the files
      String bytes = new String(Files.readAllBytes(dir.resolve(file)), StandardCharsets.ISO_8859_1);
      assertTrue(bytes.contains("LayerNormalization"), file);
      assertFalse(bytes.contains("com.microsoft"), file + " uses ONNX Runtime's own operators");
    }
    float[] emb;
    try (InferenceSession enc = InferenceSession.open(dir.resolve("encoder.onnx"),
        RuntimeOptions.defaults())) {
      float[] input = SamPreprocessor.normalizeAndPad(
          Images.read(Fixtures.imageFile("dog.resized.png")), 1024);
      emb = enc.run(Map.of("image", new FloatTensor(input, new long[] {1, 3, 1024, 1024})))
          .get("image_embeddings").data();
      float[] ref = Npy.read(Fixtures.output(m, "dog", "image_embeddings.npy")).toFloatArray();
      assertTrue(Fixtures.relL2(emb, ref) < 1e-4);
    }
    // case box_only of the tiny dog fixture: box [269, 53, 644, 248] in a 534x800 image, scaled
    // by 1024/800 = 1.28 into the resized frame; labels 2 and 3 for the corners, no padding
    try (InferenceSession dec = InferenceSession.open(dir.resolve("decoder.onnx"),
        RuntimeOptions.defaults())) {
      Map<String, FloatTensor> in = new LinkedHashMap<>();
      in.put("image_embeddings", new FloatTensor(emb, new long[] {1, 32, 64, 64}));
      in.put("point_coords", new FloatTensor(new float[] {269 * 1.28f, 53 * 1.28f, 644 * 1.28f,
          248 * 1.28f}, new long[] {1, 2, 2}));
      in.put("point_labels", new FloatTensor(new float[] {2, 3}, new long[] {1, 2}));
      in.put("mask_input", new FloatTensor(new float[256 * 256], new long[] {1, 1, 256, 256}));
      in.put("has_mask_input", new FloatTensor(new float[] {0}, new long[] {1}));
      in.put("orig_im_size", new FloatTensor(new float[] {534, 800}, new long[] {2}));
      Map<String, FloatTensor> out = dec.run(in);
      assertEquals(4, out.get("masks").dim(1));
      assertEquals(534, out.get("masks").dim(2));
      assertEquals(800, out.get("masks").dim(3));
      float iouRef = Npy.read(Fixtures.output(m, "dog", "box_only/iou_predictions.npy"))
          .toFloatArray()[0];
      assertEquals(iouRef, out.get("iou_predictions").data()[0], 1e-3);
      float[] lowRef = Npy.read(Fixtures.output(m, "dog", "box_only/low_res_logits.npy"))
          .toFloatArray();
      float[] low0 = java.util.Arrays.copyOf(out.get("low_res_masks").data(), 256 * 256);
      assertTrue(Fixtures.relL2(low0, lowRef) < 1e-3);
      byte[] maskRef = new byte[534 * 800];
      Npy.read(Fixtures.output(m, "dog", "box_only/masks.npy.gz")).contiguousBytes().get(maskRef);
      float[] masks = out.get("masks").data();
      int differ = 0;
      for (int i = 0; i < maskRef.length; i++) {
        boolean ours = masks[i] > 0;
        if (ours != (maskRef[i] != 0) && Math.abs(masks[i]) > 1e-3) {
          differ++;
        }
      }
      assertEquals(0, differ);
    }
  }

  @Test
  void everythingWritesReferenceRecords() throws IOException {
    Model m = Model.TINY;
    Path out = dir.resolve("dog.json");
    Path overlay = dir.resolve("dog.png");
    CliRunner r = CliRunner.run("everything", "--model", Fixtures.checkpoint(m), "--spec",
        Fixtures.spec(m), "--image", Fixtures.imageFile("dog.decoded.png"), "--out", out,
        "--overlay", overlay, "--points-per-side", "4", "--points-per-batch", "7",
        "--pred-iou-thresh", "-100", "--stability-score-thresh", "0", "--box-nms-thresh", "1.0",
        "--output-mode", "coco_rle", "--quiet");
    assertEquals(0, r.exitCode, r.err);
    JsonNode records = new ObjectMapper().readTree(out.toFile()).get("records");
    assertEquals(48, records.size(), "the fixture's dense run has 48 records");
    JsonNode first = records.get(0);
    for (String f : new String[] {"segmentation", "area", "bbox", "predicted_iou", "point_coords",
        "stability_score", "crop_box"}) {
      assertTrue(first.has(f), f);
    }
    assertTrue(first.get("segmentation").get("counts").isTextual());
    assertTrue(Files.size(overlay) > 1000);
    CliRunner bad = CliRunner.run("everything", "--model", Fixtures.checkpoint(m), "--spec",
        Fixtures.spec(m), "--image", Fixtures.imageFile("dog.jpg"), "--out", dir.resolve("x.json"),
        "--output-mode", "pixels");
    assertEquals(1, bad.exitCode);
    assertTrue(bad.err.contains("binary_mask, uncompressed_rle, coco_rle"), bad.err);
  }
}
