package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.modeling.sam3.text.VETextEncoder;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.text.ClipTokenizer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The causal text encoder against the reference, every case of both images: token ids from the
 * phrase the reference used ({@code "visual"} for a box-only prompt), the padding mask, and
 * {@code language_features} [32, 1, d_model] within 1e-5 relative L2.
 */
class Sam3TextParityTest {
  private static StateDict det;
  private static Sam3Spec spec;
  private static InferenceSession text;

  @BeforeAll
  static void build() {
    StateDict sd = CheckpointReader.read(Sam3Fixtures.checkpoint());
    spec = Sam3Detector.detect(sd, Sam3Fixtures.spec());
    det = Sam3Detector.detectorWeights(sd);
    text = InferenceSession.create("sam3 text encoder", VETextEncoder.graph(det, spec.text()),
        RuntimeOptions.defaults());
  }

  @AfterAll
  static void close() {
    if (text != null) {
      text.close();
    }
  }

  @Test
  void languageFeaturesOfEveryCaseMatch() {
    ClipTokenizer tok = ClipTokenizer.standard();
    int checked = 0;
    double worst = 0;
    for (String image : Sam3Fixtures.IMAGES) {
      for (JsonNode c : Sam3Fixtures.image(image).get("cases")) {
        String name = c.get("name").asText();
        long[] tokens = tok.encode(c.get("text_used").asText(), spec.text().contextLength());
        float[] ids = Sam3Fixtures.npy(Sam3Fixtures.file(image, name + "/tokens.npy"))
            .toFloatArray();
        long[] ref = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
          ref[i] = (long) ids[i];
        }
        assertArrayEquals(ref, tokens, image + "/" + name + " tokens");
        boolean[] mask = VETextEncoder.languageMask(tokens);
        for (int i = 0; i < mask.length; i++) {
          assertEquals(c.get("language_mask").get(i).asBoolean(), mask[i], name + " mask " + i);
        }
        FloatTensor in = VETextEncoder.tokenEmbeddings(det, spec.text(), tokens);
        float[] ours = text.run(Map.of(VETextEncoder.TEXT_EMBEDS, in))
            .get(VETextEncoder.LANGUAGE_FEATURES).data();
        float[] want = Sam3Fixtures.npy(Sam3Fixtures.file(image, name + "/language_features.npy"))
            .toFloatArray();
        double rel = Fixtures.relL2(ours, want);
        System.out.printf("%s/%s '%s' language_features rel L2 %.3g%n", image, name,
            c.get("text_used").asText(), rel);
        worst = Math.max(worst, rel);
        assertTrue(rel <= 1e-5, image + "/" + name + " language_features rel L2 " + rel);
        Fixtures.assertStats(image + "/" + name + " language_features", ours,
            c.get("language_features"), 1e-5, 1);
        checked++;
      }
    }
    System.out.printf("text encoder: %d cases, worst rel L2 %.3g%n", checked, worst);
    assertEquals(12, checked);
  }
}
