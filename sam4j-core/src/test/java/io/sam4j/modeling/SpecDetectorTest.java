package io.sam4j.modeling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.SamPreprocessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecDetectorTest {
  @Test
  void detectsVitBDimensionsAndGlobalBlocksFromShapes() {
    ModelSpec s = SpecDetector.detect(CheckpointReader.read(Fixtures.checkpoint(Model.SAM_VIT_B_D2)));
    ModelSpec.VitSpec v = (ModelSpec.VitSpec) s.encoder();
    assertEquals(768, v.embedDim());
    assertEquals(12, v.numHeads());
    assertEquals(2, v.depth());
    assertEquals(14, v.windowSize());
    assertEquals(List.of(1), v.globalAttnIndexes());
    assertEquals(256, s.promptEmbedDim());
    assertEquals(8, s.decoder().numHeads());
    assertEquals("vit", v.name(), "depth 2 is not the published ViT-B");
  }

  @Test
  void detectsMobileSamTinyVit() {
    ModelSpec s = SpecDetector.detect(CheckpointReader.read(Fixtures.checkpoint(Model.MOBILESAM)));
    ModelSpec.TinyVitSpec t = (ModelSpec.TinyVitSpec) s.encoder();
    assertEquals("vit_t", s.name());
    assertArrayEquals(new int[] {64, 128, 160, 320}, t.embedDims());
    assertArrayEquals(new int[] {2, 2, 6, 2}, t.depths());
    assertArrayEquals(new int[] {0, 4, 5, 10}, t.numHeads());
    assertArrayEquals(new int[] {0, 7, 14, 7}, t.windowSizes());
  }

  @Test
  void tinyModelNeedsItsHeadCountsFromASpec() throws Exception {
    StateDict sd = CheckpointReader.read(Fixtures.checkpoint(Model.TINY));
    SamException e = assertThrows(SamException.class, () -> SpecDetector.detect(sd));
    assertTrue(e.getMessage().contains("num_heads"), e.getMessage());
    var spec = new ObjectMapper().readTree(
        "{\"image_encoder\": {\"num_heads\": 2, \"window_size\": 8}, \"mask_decoder\": {\"num_heads\": 2}}");
    ModelSpec s = SpecDetector.detect(sd, spec);
    assertEquals(8, ((ModelSpec.VitSpec) s.encoder()).windowSize());
    var contradicting = new ObjectMapper().readTree(
        "{\"image_encoder\": {\"num_heads\": 2, \"embed_dim\": 64}, \"mask_decoder\": {\"num_heads\": 2}}");
    assertTrue(assertThrows(SamException.class, () -> SpecDetector.detect(sd, contradicting))
        .getMessage().contains("embed_dim"));
  }

  @Test
  void encoderWithAllWeightsOutsideTheProtobufMatchesReference() throws Exception {
    StateDict sd = CheckpointReader.read(Fixtures.checkpoint(Model.TINY));
    ModelSpec spec = SpecDetector.detect(sd, SpecDetector.readSpecFile(Fixtures.spec(Model.TINY)));
    var model = SamGraphs.encoder(sd, spec, List.of(), 0, io.sam4j.runtime.RuntimeOptions.Precision.FP32);
    assertTrue(model.external().size() > 10);
    try (InferenceSession s = InferenceSession.create("enc", model, RuntimeOptions.defaults())) {
      float[] input = SamPreprocessor.normalizeAndPad(
          Images.read(Fixtures.imageFile("dog.resized.png")), 1024);
      FloatTensor out = s.run(Map.of(SamGraphs.IMAGE,
          new FloatTensor(input, new long[] {1, 3, 1024, 1024}))).get(SamGraphs.IMAGE_EMBEDDINGS);
      float[] ref = Npy.read(Fixtures.output(Model.TINY, "dog", "image_embeddings.npy")).toFloatArray();
      assertTrue(Fixtures.relL2(out.data(), ref) < 1e-4);
    }
  }
}
