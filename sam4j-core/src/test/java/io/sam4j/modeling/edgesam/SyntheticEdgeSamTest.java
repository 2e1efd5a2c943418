package io.sam4j.modeling.edgesam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The official EdgeSAM encoder with random weights: the same key layout as {@code edge_sam.pth}
 * (whose layout the fixture shares, block indices aside), detected back as the official spec, and
 * built and run at 1024 x 1024.
 */
class SyntheticEdgeSamTest {
  @Test
  void hasTheOfficialLayoutAndRuns() {
    RepVitSpec spec = RepVitSpec.edgeSam();
    StateDict sd = SyntheticEdgeSam.weights(spec, 1);
    StateDict fixture = CheckpointReader.read(Fixtures.checkpoint(Fixtures.Model.EDGESAM));
    assertEquals(patterns(fixture), patterns(sd));
    RepVitSpec detected = RepVitDetector.detect(sd, MissingNode.getInstance(), null);
    assertEquals(spec, detected);
    assertEquals("edge_sam", detected.name());
    ModelSpec model = SyntheticEdgeSam.model(spec);
    float[] image = new float[3 * 1024 * 1024];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) Math.sin(i * 0.001);
    }
    try (InferenceSession s = InferenceSession.create("encoder",
        SamGraphs.encoder(sd, model, List.of()), RuntimeOptions.defaults())) {
      Map<String, FloatTensor> in = Map.of(SamGraphs.IMAGE,
          new FloatTensor(image, new long[] {1, 3, 1024, 1024}));
      s.run(in);
      long t0 = System.nanoTime();
      FloatTensor out = s.run(in).get(SamGraphs.IMAGE_EMBEDDINGS);
      System.out.printf("official EdgeSAM encoder, random weights: %.0f ms%n",
          (System.nanoTime() - t0) / 1e6);
      assertArrayEquals(new long[] {1, 256, 64, 64}, out.shape());
    }
  }

  /** The encoder's key patterns, block indices replaced by N, without the BN counters. */
  private static Set<String> patterns(StateDict sd) {
    Set<String> out = new TreeSet<>();
    for (String k : sd.keysWithPrefix("image_encoder.")) {
      if (!k.endsWith("num_batches_tracked")) {
        out.add(k.replaceAll("features\\.[1-9][0-9]*\\.", "features.N."));
      }
    }
    return out;
  }
}
