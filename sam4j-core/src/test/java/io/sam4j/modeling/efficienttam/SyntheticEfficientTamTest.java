package io.sam4j.modeling.efficienttam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Synthetic EfficientTAM encoders: the official shapes, a graph that runs, its counted work. */
class SyntheticEfficientTamTest {
  @Test
  void officialSpecsAreTheConfigs() {
    EfficientTamEncoderSpec ti = SyntheticEfficientTam.spec("efficienttam_ti");
    assertEquals(1024, ti.imageSize());
    assertEquals(192, ti.embedDim());
    assertEquals(3, ti.numHeads());
    assertEquals(12, ti.depth());
    assertEquals(List.of(0, 1, 3, 4, 6, 7, 9, 10), ti.windowBlockIndexes());
    assertEquals(11, ti.lastGlobalBlock());
    assertEquals(256, ti.dModel());
    EfficientTamEncoderSpec s = SyntheticEfficientTam.spec("efficienttam_s_512x512");
    assertEquals(512, s.imageSize());
    assertEquals(384, s.embedDim());
    assertEquals(6, s.numHeads());
    assertThrows(IllegalArgumentException.class, () -> SyntheticEfficientTam.spec("efficienttam_b"));
    SamException e = assertThrows(SamException.class, () -> ti.truncated(2));
    assertTrue(e.getMessage().contains("global block"), e.getMessage());
  }

  @Test
  void weightsHaveTheCheckpointsKeysAndShapes() throws Exception {
    StateDict fixture = CheckpointReader.read(Fixtures.root().resolve("efficienttam_fixture.pt"));
    EfficientTamEncoderSpec spec = EfficientTamEncoderParityTest.specFromYaml(
        Fixtures.root().resolve("efficienttam_fixture.yaml"));
    StateDict synthetic = SyntheticEfficientTam.weights(spec, 1);
    Set<String> want = new TreeSet<>();
    for (String k : fixture.keys()) {
      if (k.startsWith("image_encoder.") || k.equals("no_mem_embed")) {
        want.add(k);
      }
    }
    assertEquals(want, new TreeSet<>(synthetic.keys()));
    for (String k : want) {
      assertArrayEquals(fixture.get(k).shape(), synthetic.get(k).shape(), k);
    }
  }

  @Test
  void graphRunsAndItsWorkIsCountedExactly() {
    // EfficientTAM-Ti at 512 with blocks 0, 1 (windowed: 32 -> 42 padded, 3 x 3 windows) and 2
    EfficientTamEncoderSpec spec = SyntheticEfficientTam.spec("efficienttam_ti_512x512")
        .truncated(3);
    OnnxModel graph = EfficientTamEncoder.graph(SyntheticEfficientTam.weights(spec, 1), spec,
        List.of());
    float[] image = new float[3 * 512 * 512];
    for (int i = 0; i < image.length; i++) {
      image[i] = (i % 7) * 0.3f - 1;
    }
    Map<String, FloatTensor> in = Map.of(Sam2Graphs.IMAGE,
        new FloatTensor(image, new long[] {1, 3, 512, 512}));
    try (InferenceSession s = InferenceSession.create("synthetic", graph,
        RuntimeOptions.defaults())) {
      FloatTensor out = s.run(in).get(Sam2Graphs.IMAGE_EMBEDDINGS);
      assertArrayEquals(new long[] {1, 256, 32, 32}, out.shape());
      for (float v : out.data()) {
        assertTrue(Float.isFinite(v));
      }
    }
    long d = 192;
    // projections of the 1024 real tokens only; the products over 9 windows of 196 (padded)
    long windowed = 4 * 2 * 1024 * d * d + 2 * 9 * 196L * 196 * 2 * d;
    long global = 4 * 2 * 1024 * d * d + 2 * 1024L * 1024 * 2 * d;
    long mlp = 2 * 2 * 1024 * d * 4 * d;
    long patch = 2 * 1024 * d * 3 * 16 * 16;
    long neck = 2 * 1024 * 256 * d + 2 * 1024 * 256 * 256 * 9 + 4 * 2 * 1024 * 256;
    assertEquals(patch + 2 * windowed + global + 3 * mlp + neck,
        Profiling.flops(graph, in, 1));
  }
}
