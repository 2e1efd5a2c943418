package io.sam4j.modeling.sam2.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The synthetic video weights have exactly the keys and shapes of a real checkpoint: for each
 * wave-2 fixture (whose config is not the official one, so every size is read from the spec),
 * the fixture's tensors outside the image encoder.
 */
class SyntheticTrackerWeightsTest {
  @ParameterizedTest
  @ValueSource(strings = {"sam2.1_hiera_fixture", "efficienttam_fixture", "edgetam_fixture"})
  void keysAndShapesOfTheFixtureCheckpoint(String name) {
    Path root = Fixtures.root();
    Sam2ModelSpec spec = Sam2Config.read(root.resolve(name + ".yaml"));
    StateDict real = CheckpointReader.read(root.resolve(name + ".pt"));
    Map<String, Tensor> synthetic = SyntheticTrackerWeights.weights(spec, 3);
    Set<String> expected = new TreeSet<>();
    for (String k : real.keys()) {
      // the encoder's synthetic weights (SyntheticSam2) bring the decoder's high-res convs
      if (!k.startsWith("image_encoder.") && !k.startsWith("sam_mask_decoder.conv_s")) {
        expected.add(k);
      }
    }
    Set<String> made = new TreeSet<>(synthetic.keySet());
    made.removeIf(k -> k.startsWith("sam_mask_decoder.conv_s"));
    assertEquals(expected, made);
    assertTrue(expected.size() > 100, "too few keys compared: " + expected.size());
    for (String k : expected) {
      assertArrayEquals(real.get(k).shape(), synthetic.get(k).shape(), k);
    }
  }
}
