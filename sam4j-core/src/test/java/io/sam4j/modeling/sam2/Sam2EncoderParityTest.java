package io.sam4j.modeling.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.Sam2Preprocessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SAM 2.1 fixture's image encoder against the reference: every encoder intermediate's
 * statistics (in the reference's layouts), the embeddings and the high-resolution features, from
 * our own transform of the reference's decoded pixels and from the JPEG.
 */
class Sam2EncoderParityTest {
  private static final String DIR = "sam2.1_hiera_fixture";

  @Test
  void hieraEncoderMatchesReferenceFromDecodedPixels() throws IOException {
    Path root = Fixtures.root();
    StateDict sd = CheckpointReader.read(root.resolve(DIR + ".pt"));
    Sam2ModelSpec spec = Sam2Config.read(root.resolve(DIR + ".yaml"));
    JsonNode manifest = new ObjectMapper().readTree(root.resolve(DIR).resolve("manifest.json")
        .toFile());
    for (JsonNode info : manifest.get("images")) {
      String file = info.get("image").asText();
      String stem = file.substring(0, file.lastIndexOf('.'));
      List<String> taps = new ArrayList<>();
      info.get("encoder_intermediates").fieldNames().forEachRemaining(taps::add);
      try (InferenceSession s = InferenceSession.create("encoder",
          Sam2Encoders.graph(sd, spec, taps), RuntimeOptions.defaults())) {
        float[] input = Sam2Preprocessor.preprocess(
            Images.read(Fixtures.imageFile(stem + ".decoded.png")), 1024);
        checkStats(stem + " input", input, info.get("input_tensor"), 1e-5);
        Map<String, FloatTensor> out = s.run(Map.of(Sam2Graphs.IMAGE,
            new FloatTensor(input, new long[] {1, 3, 1024, 1024})));
        for (Iterator<Map.Entry<String, JsonNode>> it = info.get("encoder_intermediates").fields();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          FloatTensor t = out.get(e.getKey());
          long[] shape = new long[e.getValue().get("shape").size()];
          for (int i = 0; i < shape.length; i++) {
            shape[i] = e.getValue().get("shape").get(i).asLong();
          }
          assertArrayEquals(shape, t.shape(), stem + " " + e.getKey() + " shape");
          checkStats(stem + " " + e.getKey(), t.data(), e.getValue(), 1e-4);
        }
        Path dir = root.resolve(DIR).resolve(stem);
        assertClose(stem + " image_embeddings", out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data(),
            dir.resolve("image_embeddings.npy"), 1e-4);
        if (info.has("high_res_feats_files")) {
          assertClose(stem + " high_res_feats_0", out.get(Sam2Graphs.HIGH_RES_FEATS_0).data(),
              dir.resolve("high_res_feats_0.npy"), 1e-4);
          assertClose(stem + " high_res_feats_1", out.get(Sam2Graphs.HIGH_RES_FEATS_1).data(),
              dir.resolve("high_res_feats_1.npy"), 1e-4);
        }
      }
    }
  }

  @Test
  void efficientTamConfigBuildsItsEncoderThroughTheFamilyEntry() {
    Path root = Fixtures.root();
    StateDict sd = CheckpointReader.read(root.resolve("efficienttam_fixture.pt"));
    Sam2ModelSpec spec = Sam2Config.read(root.resolve("efficienttam_fixture.yaml"));
    Path dir = root.resolve("efficienttam_fixture/dog");
    float[] input = Npy.read(dir.resolve("input_tensor.npy")).toFloatArray();
    try (InferenceSession s = InferenceSession.create("encoder",
        Sam2Encoders.graph(sd, spec, List.of()), RuntimeOptions.defaults())) {
      Map<String, FloatTensor> out = s.run(Map.of(Sam2Graphs.IMAGE,
          new FloatTensor(input, new long[] {1, 3, 512, 512})));
      // no high-resolution features; the raw neck output for the video memory besides
      assertEquals(java.util.Set.of(Sam2Graphs.IMAGE_EMBEDDINGS, Sam2Graphs.VISION_FEATURES),
          out.keySet(), "EfficientTAM has no high-resolution features");
      float[] raw = out.get(Sam2Graphs.VISION_FEATURES).data();
      float[] emb = out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data();
      float[] noMem = sd.get("no_mem_embed").toFloatArray();
      int hw = 32 * 32;
      for (int i = 0; i < emb.length; i++) {
        assertEquals(emb[i], raw[i] + noMem[i / hw], 1e-6f, "embeddings = vision features +"
            + " no_mem_embed at " + i);
      }
      assertClose("efficienttam dog image_embeddings", out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data(),
          dir.resolve("image_embeddings.npy"), 1e-4);
    }
  }

  @Test
  void hieraEncoderFromJpegIsWithinJpegTolerance() {
    Path root = Fixtures.root();
    StateDict sd = CheckpointReader.read(root.resolve(DIR + ".pt"));
    Sam2ModelSpec spec = Sam2Config.read(root.resolve(DIR + ".yaml"));
    try (InferenceSession s = InferenceSession.create("encoder",
        Sam2Encoders.graph(sd, spec, List.of()), RuntimeOptions.defaults())) {
      float[] input = Sam2Preprocessor.preprocess(Images.read(Fixtures.imageFile("dog.jpg")), 1024);
      Map<String, FloatTensor> out = s.run(Map.of(Sam2Graphs.IMAGE,
          new FloatTensor(input, new long[] {1, 3, 1024, 1024})));
      Path dir = root.resolve(DIR).resolve("dog");
      assertClose("dog.jpg image_embeddings", out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data(),
          dir.resolve("image_embeddings.npy"), 1e-2);
      assertClose("dog.jpg high_res_feats_0", out.get(Sam2Graphs.HIGH_RES_FEATS_0).data(),
          dir.resolve("high_res_feats_0.npy"), 1e-2);
    }
  }

  @Test
  void portableGraphAgreesWithTheFusedOne() {
    Path root = Fixtures.root();
    StateDict sd = CheckpointReader.read(root.resolve(DIR + ".pt"));
    Sam2ModelSpec spec = Sam2Config.read(root.resolve(DIR + ".yaml"));
    float[] input = Sam2Preprocessor.preprocess(
        Images.read(Fixtures.imageFile("dog.decoded.png")), 1024);
    Map<String, FloatTensor> in = Map.of(Sam2Graphs.IMAGE,
        new FloatTensor(input, new long[] {1, 3, 1024, 1024}));
    try (InferenceSession s = InferenceSession.create("encoder", Sam2Encoders.exportGraph(sd, spec),
        RuntimeOptions.defaults())) {
      Map<String, FloatTensor> out = s.run(in);
      Path dir = root.resolve(DIR).resolve("dog");
      assertClose("portable image_embeddings", out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data(),
          dir.resolve("image_embeddings.npy"), 1e-4);
      assertClose("portable high_res_feats_1", out.get(Sam2Graphs.HIGH_RES_FEATS_1).data(),
          dir.resolve("high_res_feats_1.npy"), 1e-4);
    }
  }

  static void assertClose(String what, float[] actual, Path reference, double tol) {
    float[] ref = Npy.read(reference).toFloatArray();
    double err = Fixtures.relL2(actual, ref);
    System.out.printf("%s rel L2 %.3g%n", what, err);
    assertTrue(err <= tol, what + " rel L2 " + err + " > " + tol);
  }

  static void checkStats(String what, float[] data, JsonNode ref, double tol) {
    Fixtures.assertStats(what, data, ref, tol, 1);
  }
}
