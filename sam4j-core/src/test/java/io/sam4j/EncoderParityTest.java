package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.SamPreprocessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The encoder against the reference, op by op: every top-level module's output statistics and the
 * final embeddings, from the reference's own resized pixels.
 */
class EncoderParityTest {
  @ParameterizedTest
  @EnumSource(Model.class)
  void intermediatesAndEmbeddingsMatchReference(Model m) {
    StateDict sd = CheckpointReader.read(Fixtures.checkpoint(m));
    Fixtures.root();
    Path specFile = Fixtures.spec(m);
    ModelSpec spec = SpecDetector.detect(sd,
        specFile == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
            : SpecDetector.readSpecFile(specFile));
    for (String image : Fixtures.images(m)) {
      JsonNode info = Fixtures.image(m, image);
      List<String> taps = new ArrayList<>();
      info.get("encoder_intermediates").fieldNames().forEachRemaining(taps::add);
      try (InferenceSession s = InferenceSession.create("encoder",
          SamGraphs.encoder(sd, spec, taps), RuntimeOptions.defaults())) {
        RgbImage resized = Images.read(Fixtures.imageFile(image + ".resized.png"));
        float[] input = SamPreprocessor.normalizeAndPad(resized, 1024);
        checkStats("input", input, info.get("input_tensor"), 1e-5);
        Map<String, FloatTensor> out = s.run(Map.of(SamGraphs.IMAGE,
            new FloatTensor(input, new long[] {1, 3, 1024, 1024})));
        for (Iterator<Map.Entry<String, JsonNode>> it = info.get("encoder_intermediates").fields();
            it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          FloatTensor t = out.get(e.getKey());
          long[] shape = new long[e.getValue().get("shape").size()];
          for (int i = 0; i < shape.length; i++) {
            shape[i] = e.getValue().get("shape").get(i).asLong();
          }
          assertArrayEquals(shape, t.shape(), m + " " + image + " " + e.getKey() + " shape");
          checkStats(m + " " + image + " " + e.getKey(), t.data(), e.getValue(), 1e-3);
        }
        float[] ref = Npy.read(Fixtures.output(m, image, "image_embeddings.npy")).toFloatArray();
        double err = Fixtures.relL2(out.get(SamGraphs.IMAGE_EMBEDDINGS).data(), ref);
        System.out.printf("%s %s embeddings rel L2 %.3g%n", m, image, err);
        assertTrue(err < 1e-4, m + " " + image + " embeddings rel L2 " + err);
      }
    }
  }

  private static void checkStats(String what, float[] data, JsonNode ref, double tol) {
    Fixtures.assertStats(what, data, ref, tol);
  }
}
