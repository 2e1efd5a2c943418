package io.sam4j.modeling.sam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Synthetic encoders have the shapes the detector reads back as the same architecture. */
class SyntheticVitTest {
  @Test
  void specsAreTheReferenceBuilders() {
    ModelSpec.VitSpec h = SyntheticVit.spec("vit_h");
    assertEquals(1280, h.embedDim());
    assertEquals(32, h.depth());
    assertEquals(16, h.numHeads());
    assertEquals(List.of(7, 15, 23, 31), h.globalAttnIndexes());
    assertEquals(List.of(5, 11, 17, 23), SyntheticVit.spec("vit_l").globalAttnIndexes());
    assertEquals(List.of(2), SyntheticVit.truncated(SyntheticVit.spec("vit_b"), 3)
        .globalAttnIndexes());
    assertThrows(IllegalArgumentException.class, () -> SyntheticVit.spec("vit_x"));
    assertThrows(IllegalArgumentException.class,
        () -> SyntheticVit.truncated(SyntheticVit.spec("vit_b"), 13));
  }

  @Test
  void detectorReadsTheSameArchitectureBack() {
    // the ViT-B depth-2 fixture's prompt encoder and mask decoder around synthetic encoders
    StateDict fixture = CheckpointReader.read(Fixtures.checkpoint(Model.SAM_VIT_B_D2));
    for (ModelSpec.VitSpec want : new ModelSpec.VitSpec[] {
        SyntheticVit.truncated(SyntheticVit.spec("vit_b"), 3),
        SyntheticVit.truncated(SyntheticVit.spec("vit_l"), 6)}) {
      Map<String, Tensor> all = new LinkedHashMap<>();
      for (String k : fixture.keys()) {
        if (!k.startsWith("image_encoder.")) {
          all.put(k, fixture.get(k));
        }
      }
      StateDict encoder = SyntheticVit.weights(want, 3);
      encoder.keys().forEach(k -> all.put(k, encoder.get(k)));
      ModelSpec.VitSpec got = (ModelSpec.VitSpec) SpecDetector.detect(new StateDict(all, "test"))
          .encoder();
      assertEquals(want.embedDim(), got.embedDim());
      assertEquals(want.depth(), got.depth());
      assertEquals(want.numHeads(), got.numHeads());
      assertEquals(want.windowSize(), got.windowSize());
      assertEquals(want.globalAttnIndexes(), got.globalAttnIndexes());
      assertEquals(want.outChans(), got.outChans());
    }
  }
}
