package io.sam4j.modeling.sam2.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.sam2.SyntheticSam2;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Official SAM 2 / 2.1 models recognized from their shapes and keys (random weights). */
class Sam2DetectorTest {
  @Test
  void officialHieraModelsAreRecognized() {
    Map<String, Tensor> m = official("sam2.1_hiera_s");
    assertEquals("sam2.1_hiera_s", Sam2Detector.detect(new StateDict(m, "t"), null).name());
    assertEquals("sam2.1_hiera_s",
        Sam2Detector.detect(new StateDict(m, "t"), "sam2.1_hiera_small.pt").name());
    // without SAM 2.1's keys it is SAM 2
    m.remove("no_obj_embed_spatial");
    m.remove("obj_ptr_tpos_proj.weight");
    StateDict sam2 = new StateDict(m, "t");
    assertEquals(Sam2Family.SAM2, Sam2Detector.familyOf(sam2));
    assertEquals("sam2_hiera_s", Sam2Detector.detect(sam2, null).name());
    // a misleading file name does not win over the shapes
    assertEquals("sam2_hiera_s", Sam2Detector.detect(sam2, "sam2_hiera_large.pt").name());
    SamException e = assertThrows(SamException.class,
        () -> Sam2Detector.check(sam2, Sam2Config.official("sam2_hiera_t")));
    assertTrue(e.getMessage().contains("it has 16 image_encoder.trunk.blocks.* modules, the config"
        + " implies 12"), e.getMessage());
  }

  @Test
  void otherCheckpointsAreNotSam2() {
    StateDict sd = new StateDict(Map.of("image_encoder.patch_embed.proj.weight",
        Tensor.ofFloats(new float[1], 1)), "t");
    assertNull(Sam2Detector.familyOf(sd));
    assertThrows(SamException.class, () -> Sam2Detector.detect(sd, "sam2_hiera_tiny.pt"));
  }

  /** The keys and shapes the detector reads, for an official config. */
  private static Map<String, Tensor> official(String name) {
    Sam2ModelSpec spec = Sam2Config.official(name);
    Map<String, Tensor> m = new LinkedHashMap<>();
    StateDict enc = SyntheticSam2.encoderWeights(spec, 3);
    for (String k : enc.keys()) {
      m.put(k, enc.get(k));
    }
    m.put("sam_mask_decoder.iou_token.weight", Tensor.ofFloats(new float[256], 1, 256));
    m.put("sam_mask_decoder.obj_score_token.weight", Tensor.ofFloats(new float[256], 1, 256));
    m.put("no_obj_embed_spatial", Tensor.ofFloats(new float[64], 1, 64));
    m.put("obj_ptr_tpos_proj.weight", Tensor.ofFloats(new float[256 * 64], 64, 256));
    return m;
  }
}
