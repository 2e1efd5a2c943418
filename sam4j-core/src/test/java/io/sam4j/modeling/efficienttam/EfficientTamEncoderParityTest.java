package io.sam4j.modeling.efficienttam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EfficientTAM's image encoder against the reference fixture: every module's output statistics
 * and the embeddings (neck + {@code no_mem_embed}) within 1e-4 relative L2, from the reference's
 * own input tensor (dog) and from the decoded pixels resized as the reference does (picture1).
 */
class EfficientTamEncoderParityTest {
  private static StateDict sd;
  private static EfficientTamEncoderSpec spec;
  private static JsonNode manifest;

  @BeforeAll
  static void load() throws IOException {
    Path root = Fixtures.root();
    sd = CheckpointReader.read(root.resolve("efficienttam_fixture.pt"));
    spec = specFromYaml(root.resolve("efficienttam_fixture.yaml"));
    manifest = new ObjectMapper().readTree(
        root.resolve("efficienttam_fixture/manifest.json").toFile());
  }

  /** The encoder of the fixture's hydra config. */
  static EfficientTamEncoderSpec specFromYaml(Path yaml) throws IOException {
    return EfficientTamEncoderSpec.fromConfig(new YAMLMapper().readTree(yaml.toFile()).get("model"));
  }

  @Test
  void configValuesAreRead() throws IOException {
    assertEquals(new EfficientTamEncoderSpec(512, 16, 48, 3, 3, 4.0, 14, List.of(0, 1), 224, 32,
        32, 10000), spec);
    JsonNode official = new YAMLMapper().readTree(Fixtures.root().resolve(
        "efficienttam_fixture.yaml").toFile()).get("model");
    ((com.fasterxml.jackson.databind.node.ObjectNode) official.at("/image_encoder/trunk"))
        .put("return_interm_layers", true);
    io.sam4j.SamException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.sam4j.SamException.class, () -> EfficientTamEncoderSpec.fromConfig(official));
    assertTrue(e.getMessage().contains("return_interm_layers"), e.getMessage());
  }

  @Test
  void dogFromReferenceInputTensor() {
    float[] input = Npy.read(Fixtures.root().resolve("efficienttam_fixture/dog/input_tensor.npy"))
        .toFloatArray();
    compare("dog", input);
  }

  @Test
  void portableGraphMatchesToo() {
    float[] input = Npy.read(Fixtures.root().resolve("efficienttam_fixture/dog/input_tensor.npy"))
        .toFloatArray();
    int s = spec.imageSize();
    try (InferenceSession session = InferenceSession.create("efficienttam encoder, portable",
        EfficientTamEncoder.graph(sd, spec, List.of(), Precision.FP32, true),
        RuntimeOptions.defaults())) {
      float[] emb = session.run(Map.of(Sam2Graphs.IMAGE, new FloatTensor(input,
          new long[] {1, 3, s, s}))).get(Sam2Graphs.IMAGE_EMBEDDINGS).data();
      float[] ref = Npy.read(Fixtures.root().resolve("efficienttam_fixture/dog/image_embeddings.npy"))
          .toFloatArray();
      double err = Fixtures.relL2(emb, ref);
      assertTrue(err < 1e-4, "portable graph: dog embeddings rel L2 " + err);
    }
  }

  @Test
  void int8GraphStaysClose() {
    float[] input = Npy.read(Fixtures.root().resolve("efficienttam_fixture/dog/input_tensor.npy"))
        .toFloatArray();
    int s = spec.imageSize();
    try (InferenceSession session = InferenceSession.create("efficienttam encoder, int8",
        EfficientTamEncoder.graph(sd, spec, List.of(), Precision.INT8, false),
        new RuntimeOptions(0, true, Precision.INT8))) {
      float[] emb = session.run(Map.of(Sam2Graphs.IMAGE, new FloatTensor(input,
          new long[] {1, 3, s, s}))).get(Sam2Graphs.IMAGE_EMBEDDINGS).data();
      float[] ref = Npy.read(Fixtures.root().resolve("efficienttam_fixture/dog/image_embeddings.npy"))
          .toFloatArray();
      double err = Fixtures.relL2(emb, ref);
      System.out.printf("efficienttam dog int8 embeddings rel L2 %.3g%n", err);
      assertTrue(err > 1e-6 && err < 0.05, "int8 graph: dog embeddings rel L2 " + err);
    }
  }

  @Test
  void unknownTapIsNamed() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> EfficientTamEncoder.graph(sd, spec, List.of("image_encoder.trunk.blocks.9")));
    assertTrue(e.getMessage().contains("image_encoder.trunk.blocks.2"), e.getMessage());
  }

  @Test
  void picture1FromDecodedPixels() {
    RgbImage img = Images.read(Fixtures.imageFile("picture1.decoded.png"));
    float[] input = referenceInput(img, spec.imageSize());
    compare("picture1", input);
  }

  /** {@code ToTensor}, antialiased bilinear resize to S x S, ImageNet {@code Normalize}. */
  static float[] referenceInput(RgbImage img, int s) {
    int w = img.width();
    int h = img.height();
    float[] planes = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          planes[(c * h + y) * w + x] = img.get(x, y, c) / 255f;
        }
      }
    }
    float[] r = AntialiasedBilinear.resize(planes, 3, h, w, s, s);
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; c++) {
      for (int i = c * s * s; i < (c + 1) * s * s; i++) {
        r[i] = (r[i] - mean[c]) / std[c];
      }
    }
    return r;
  }

  private static void compare(String image, float[] input) {
    JsonNode info = null;
    for (JsonNode n : manifest.get("images")) {
      if (n.get("image").asText().startsWith(image + ".")) {
        info = n;
      }
    }
    checkStats(image + " input", input, info.get("input_tensor"), 1e-5);
    List<String> taps = new ArrayList<>();
    info.get("encoder_intermediates").fieldNames().forEachRemaining(taps::add);
    int s = spec.imageSize();
    try (InferenceSession session = InferenceSession.create("efficienttam encoder",
        EfficientTamEncoder.graph(sd, spec, taps), RuntimeOptions.defaults())) {
      Map<String, FloatTensor> out = session.run(Map.of(Sam2Graphs.IMAGE,
          new FloatTensor(input, new long[] {1, 3, s, s})));
      for (String t : taps) {
        JsonNode ref = info.get("encoder_intermediates").get(t);
        long[] shape = new long[ref.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = ref.get("shape").get(i).asLong();
        }
        assertArrayEquals(shape, out.get(t).shape(), image + " " + t + " shape");
        checkStats(image + " " + t, out.get(t).data(), ref, 1e-4);
      }
      float[] ref = Npy.read(Fixtures.root().resolve("efficienttam_fixture").resolve(image)
          .resolve("image_embeddings.npy")).toFloatArray();
      double err = Fixtures.relL2(out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data(), ref);
      System.out.printf("efficienttam %s embeddings rel L2 %.3g%n", image, err);
      assertTrue(err < 1e-4, image + " embeddings rel L2 " + err);
    }
  }

  private static void checkStats(String what, float[] data, JsonNode ref, double tol) {
    Fixtures.assertStats(what, data, ref, tol, 10);
  }
}
