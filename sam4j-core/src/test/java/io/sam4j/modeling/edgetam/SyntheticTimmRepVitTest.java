package io.sam4j.modeling.edgetam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The synthetic timm RepViT has the real layout: made with the EdgeTAM fixture's widths and
 * depths, its keys and shapes are exactly the fixture checkpoint's trunk (less the unused
 * {@code num_batches_tracked} counters).
 */
class SyntheticTimmRepVitTest {
  @Test
  void fixtureSizedTrunkHasTheCheckpointsKeysAndShapes() {
    StateDict sd = CheckpointReader.read(Fixtures.root().resolve("edgetam_fixture.pt"));
    Map<String, Tensor> m = new LinkedHashMap<>();
    SyntheticTimmRepVit.put(m, new SplittableRandom(1), new int[] {16, 24, 32, 48},
        new int[] {2, 2, 3, 2});
    TreeSet<String> expected = new TreeSet<>();
    for (String k : sd.keysWithPrefix(TimmBackbone.P + ".")) {
      if (!k.endsWith("num_batches_tracked")) {
        expected.add(k);
      }
    }
    assertEquals(expected, new TreeSet<>(m.keySet()));
    for (String k : expected) {
      assertArrayEquals(sd.get(k).shape(), m.get(k).shape(), k);
    }
  }
}
