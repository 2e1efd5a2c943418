package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.image.RgbImage;
import io.sam4j.runtime.RuntimeOptions;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link SyntheticSam3}: with the fixture's spec it makes exactly the fixture's image-model keys and
 * shapes (so the official spec makes the official layout), and another reduced architecture (other
 * widths, heads, window and global blocks, queries) loads, passes the spec check and segments.
 */
class SyntheticSam3Test {
  @Test
  void fixtureSpecGivesTheFixturesKeysAndShapes() {
    StateDict det = Sam3Detector.detectorWeights(CheckpointReader.read(Sam3Fixtures.checkpoint()));
    Sam3Spec spec = Sam3SpecReader.read(Sam3Fixtures.spec());
    StateDict syn = SyntheticSam3.weights(spec, 1);
    Set<String> want = new TreeSet<>(det.keys());
    want.removeIf(k -> k.contains(".sam2_convs."));
    assertEquals(want, new TreeSet<>(syn.keys()));
    for (String k : want) {
      assertArrayEquals(det.get(k).shape(), syn.get(k).shape(), k);
      assertEquals(det.get(k).dtype(), syn.get(k).dtype(), k);
    }
    float[] a = det.get(Sam3Detector.TRUNK + "blocks.1.attn.freqs_cis").toFloatArray();
    float[] b = syn.get(Sam3Detector.TRUNK + "blocks.1.attn.freqs_cis").toFloatArray();
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-6);
    }
  }

  @Test
  void anotherReducedArchitectureLoadsAndSegments() throws IOException {
    ObjectMapper om = new ObjectMapper();
    ObjectNode s = (ObjectNode) om.readTree(Sam3Fixtures.spec().toFile());
    s.put("image_size", 168);
    ObjectNode vit = s.with("vit");
    vit.put("img_size", 168).put("embed_dim", 48).put("depth", 3).put("num_heads", 3)
        .put("window_size", 4).put("pretrain_img_size", 56);
    vit.putArray("global_att_blocks").add(2);
    s.with("neck").put("d_model", 16);
    s.with("neck").with("position_encoding").put("num_pos_feats", 16);
    s.with("text_encoder").put("d_model", 16).put("layers", 1);
    s.with("encoder").put("d_model", 16).put("num_layers", 1).put("num_heads", 4);
    s.with("decoder").put("d_model", 16).put("num_queries", 7).put("n_heads", 4)
        .put("num_layers", 3);
    s.with("geometry_encoder").put("d_model", 16).put("num_heads", 4).put("num_layers", 1);
    s.with("dot_product_scoring").put("d_model", 16).put("d_proj", 16);
    s.with("segmentation_head").put("hidden_dim", 16).put("cross_attend_prompt_heads", 4);
    s.with("processor").put("resolution", 168);
    Sam3Spec spec = Sam3SpecReader.parse(s, "reduced.json");
    StateDict w = SyntheticSam3.weights(spec, 7);
    Sam3Detector.check(w, spec, "reduced.json");
    try (Sam3Model model = Sam3Model.fromStateDict(w, spec, RuntimeOptions.defaults())) {
      Sam3Predictor p = model.newPredictor();
      byte[] rgb = new byte[3 * 120 * 90];
      for (int i = 0; i < rgb.length; i++) {
        rgb[i] = (byte) (i * 31);
      }
      p.setImage(RgbImage.of(120, 90, rgb));
      ConceptResult r = p.predict(ConceptPrompt.builder().text("a cat").box(0.5, 0.5, 0.2, 0.3,
          true).point(0.1, 0.2, false).build(), 0.0);
      assertEquals(7, r.predLogits().length);
      assertEquals(28, r.predBoxes().length);
      assertEquals(48, r.maskSize());
      assertEquals(7, r.instances().size());
      assertEquals(120, r.instances().get(0).mask().width());
      assertTrue(Float.isFinite(r.presenceLogit()));
      for (float v : r.predLogits()) {
        assertTrue(Math.abs(v) <= 12f && Float.isFinite(v));
      }
    }
  }
}
