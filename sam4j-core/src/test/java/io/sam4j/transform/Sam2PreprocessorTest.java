package io.sam4j.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.Npy;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SAM 2 family's input transform against the reference's network inputs (24-row bands at 1024,
 * where the fixture photos are upscaled; EfficientTAM's whole 512x512 tensor, where they shrink)
 * and against hand-computed antialiased resizes.
 */
class Sam2PreprocessorTest {
  @ParameterizedTest
  @ValueSource(strings = {"sam2.1_hiera_fixture", "edgetam_fixture"})
  void upscaledBandsMatchTheReference(String model) throws IOException {
    JsonNode info = manifestImage(model, "dog");
    float[] ours = Sam2Preprocessor.preprocess(
        Images.read(Fixtures.imageFile("dog.decoded.png")), 1024);
    float[] ref = Npy.read(Fixtures.root().resolve(model).resolve("dog")
        .resolve("input_tensor_rows.npy")).toFloatArray();
    JsonNode rows = info.get("input_tensor_rows").get("rows");
    double max = 0;
    for (int c = 0; c < 3; c++) {
      for (int r = 0; r < rows.size(); r++) {
        for (int x = 0; x < 1024; x++) {
          float a = ours[(c * 1024 + rows.get(r).asInt()) * 1024 + x];
          float b = ref[(c * rows.size() + r) * 1024 + x];
          max = Math.max(max, Math.abs(a - b));
        }
      }
    }
    System.out.printf("%s dog bands max |diff| %.3g%n", model, max);
    assertTrue(max <= 2e-6, model + " bands differ by " + max);
  }

  @Test
  void shrunkInputMatchesEfficientTamTensor() throws IOException {
    float[] ours = Sam2Preprocessor.preprocess(
        Images.read(Fixtures.imageFile("dog.decoded.png")), 512);
    float[] ref = Npy.read(Fixtures.root().resolve("efficienttam_fixture").resolve("dog")
        .resolve("input_tensor.npy")).toFloatArray();
    assertEquals(ref.length, ours.length);
    double max = 0;
    for (int i = 0; i < ref.length; i++) {
      max = Math.max(max, Math.abs(ours[i] - ref[i]));
    }
    System.out.printf("efficienttam dog 800x534 -> 512 max |diff| %.3g%n", max);
    assertTrue(max <= 2e-6, "512 input differs by " + max);
  }

  @Test
  void shrunkInputMatchesManifestStatistics() throws IOException {
    JsonNode ref = manifestImage("efficienttam_fixture", "picture1").get("input_tensor");
    float[] ours = Sam2Preprocessor.preprocess(
        Images.read(Fixtures.imageFile("picture1.decoded.png")), 512);
    double sum = 0;
    for (float v : ours) {
      sum += v;
    }
    double mean = sum / ours.length;
    double var = 0;
    for (float v : ours) {
      var += (v - mean) * (v - mean);
    }
    assertEquals(ref.get("mean").asDouble(), mean, 1e-6);
    assertEquals(ref.get("std").asDouble(), Math.sqrt(var / (ours.length - 1)), 1e-6);
    for (int i = 0; i < ref.get("head").size(); i++) {
      assertEquals(ref.get("head").get(i).asDouble(), ours[i], 2e-6, "head " + i);
    }
  }

  @Test
  void shrinkUsesTheWidenedNormalisedTriangle() {
    // 4 -> 3: scale 4/3, support 4/3; taps {0,1} weights .7/.3, {1,2} .5/.5, {2,3} .3/.7
    float[] out = AntialiasedResize.resize(new float[] {0, 10, 20, 30}, 1, 1, 4, 1, 3);
    assertArrayEquals(new float[] {3, 15, 27}, out, 1e-5f);
    // the same along the height
    out = AntialiasedResize.resize(new float[] {0, 10, 20, 30}, 1, 4, 1, 3, 1);
    assertArrayEquals(new float[] {3, 15, 27}, out, 1e-5f);
    // 4 -> 2: support 2, taps [int(1 - 2 + .5), int(1 + 2 + .5)) = {0,1,2} (truncation toward 0
    // makes the window lopsided, as in PyTorch and Pillow) weights .75/.75/.25 over 1.75; then
    // {1,2,3} with .25/.75/.75
    out = AntialiasedResize.resize(new float[] {0, 10, 20, 30}, 1, 1, 4, 1, 2);
    assertArrayEquals(new float[] {12.5f / 1.75f, 40f / 1.75f}, out, 1e-5f);
  }

  @Test
  void upscaleIsHalfPixelBilinearWithClampedBorders() {
    float[] out = AntialiasedResize.resize(new float[] {0, 10}, 1, 1, 2, 1, 4);
    assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, out, 1e-6f);
    // an unchanged axis is left alone; two planes stay apart
    out = AntialiasedResize.resize(new float[] {0, 10, 100, 110}, 2, 1, 2, 1, 4);
    assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10, 100, 102.5f, 107.5f, 110}, out, 1e-5f);
  }

  private static JsonNode manifestImage(String model, String stem) throws IOException {
    Path manifest = Fixtures.root().resolve(model).resolve("manifest.json");
    for (JsonNode n : new ObjectMapper().readTree(manifest.toFile()).get("images")) {
      if (n.get("image").asText().startsWith(stem + ".")) {
        return n;
      }
    }
    throw new IllegalArgumentException("no " + stem + " in " + model);
  }
}
