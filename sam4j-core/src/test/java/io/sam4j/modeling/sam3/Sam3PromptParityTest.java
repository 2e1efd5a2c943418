package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.modeling.sam3.text.VETextEncoder;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.text.ClipTokenizer;
import io.sam4j.transform.Sam3Preprocessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prompt-dependent graph against the manifest, every case of both images from
 * {@code .resized.png}: the geometry encoder's tokens (CLS only for a phrase; a box exemplar,
 * positive or negative; two points, positive and negative; absent kinds as empty inputs), the
 * fusion encoder's {@code encoder_hidden_states}, the decoder's queries, boxes and presence, the
 * scores and the masks.
 */
class Sam3PromptParityTest {
  private static StateDict det;
  private static Sam3Spec spec;
  private static InferenceSession encoder;
  private static InferenceSession text;
  private static InferenceSession prompt;

  @BeforeAll
  static void build() {
    StateDict sd = CheckpointReader.read(Sam3Fixtures.checkpoint());
    spec = Sam3Detector.detect(sd, Sam3Fixtures.spec());
    det = Sam3Detector.detectorWeights(sd);
    RuntimeOptions o = RuntimeOptions.defaults();
    encoder = InferenceSession.create("sam3 image encoder",
        Sam3ImageEncoder.graph(det, spec, List.of()), o);
    text = InferenceSession.create("sam3 text", VETextEncoder.graph(det, spec.text()), o);
    prompt = InferenceSession.create("sam3 prompt", Sam3PromptGraph.graph(det, spec), o);
  }

  @AfterAll
  static void close() {
    for (AutoCloseable c : new AutoCloseable[] {encoder, text, prompt}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }


  @ParameterizedTest
  @ValueSource(strings = {"dog", "picture1"})
  void geometryAndFusionEncoderMatchTheManifest(String image) {
    int s = spec.imageSize();
    float[] x = Sam3Preprocessor.preprocess(
        Images.read(Sam3Fixtures.file(image, image + ".resized.png")), s);
    Map<String, FloatTensor> levels = encoder.run(
        Map.of(Sam3ImageEncoder.IMAGE, new FloatTensor(x, new long[] {1, 3, s, s})));
    ClipTokenizer tok = ClipTokenizer.standard();
    for (JsonNode c : Sam3Fixtures.image(image).get("cases")) {
      String name = image + "/" + c.get("name").asText();
      long[] tokens = tok.encode(c.get("text_used").asText(), spec.text().contextLength());
      FloatTensor lang = text.run(Map.of(VETextEncoder.TEXT_EMBEDS,
          VETextEncoder.tokenEmbeddings(det, spec.text(), tokens)))
          .get(VETextEncoder.LANGUAGE_FEATURES);
      boolean[] pad = VETextEncoder.languageMask(tokens);
      float[] mask = new float[pad.length];
      for (int i = 0; i < pad.length; i++) {
        mask[i] = pad[i] ? Float.NEGATIVE_INFINITY : 0f;
      }
      Map<String, FloatTensor> in = new LinkedHashMap<>();
      for (int i = 0; i < spec.neck().levels(); i++) {
        in.put(Sam3ImageEncoder.FPN + i, levels.get(Sam3ImageEncoder.FPN + i));
      }
      in.put(Sam3PromptGraph.LANGUAGE_FEATURES, lang);
      in.put(Sam3PromptGraph.LANGUAGE_MASK, new FloatTensor(mask, new long[] {1, pad.length}));
      boolean points = c.has("points_xy_norm");
      boolean boxes = c.has("box_cxcywh_norm");
      if (points) {
        JsonNode p = c.get("points_xy_norm");
        float[] xy = new float[2 * p.size()];
        float[] labels = new float[p.size()];
        for (int i = 0; i < p.size(); i++) {
          xy[2 * i] = (float) p.get(i).get(0).asDouble();
          xy[2 * i + 1] = (float) p.get(i).get(1).asDouble();
          labels[i] = c.get("point_labels").get(i).asBoolean() ? 1f : 0f;
        }
        in.put(Sam3PromptGraph.POINTS, new FloatTensor(xy, new long[] {1, p.size(), 2}));
        in.put(Sam3PromptGraph.POINT_LABELS, new FloatTensor(labels, new long[] {1, p.size(), 1}));
      }
      if (boxes) {
        JsonNode b = c.get("box_cxcywh_norm");
        float[] box = new float[4];
        for (int i = 0; i < 4; i++) {
          box[i] = (float) b.get(i).asDouble();
        }
        float label = c.get("label").asBoolean() ? 1f : 0f;
        in.put(Sam3PromptGraph.BOXES, new FloatTensor(box, new long[] {1, 1, 4}));
        in.put(Sam3PromptGraph.BOX_LABELS, new FloatTensor(new float[] {label}, new long[] {1, 1, 1}));
      }
      {
        in.putIfAbsent(Sam3PromptGraph.POINTS, new FloatTensor(new float[0], new long[] {1, 0, 2}));
        in.putIfAbsent(Sam3PromptGraph.POINT_LABELS,
            new FloatTensor(new float[0], new long[] {1, 0, 1}));
        in.putIfAbsent(Sam3PromptGraph.BOXES, new FloatTensor(new float[0], new long[] {1, 0, 4}));
        in.putIfAbsent(Sam3PromptGraph.BOX_LABELS,
            new FloatTensor(new float[0], new long[] {1, 0, 1}));
      }
      Map<String, FloatTensor> out = prompt.run(in);
      FloatTensor geo = out.get(Sam3PromptGraph.GEOMETRY_FEATURES);
      JsonNode refGeo = c.get("geometry_encoder_output").get(0);
      assertEquals(refGeo.get("shape").get(0).asInt(), geo.dim(0), name + " prompt tokens");
      Fixtures.assertStats(name + " geometry_encoder_output", geo.data(), refGeo, 1e-5, 1);
      Fixtures.assertStats(name + " encoder_hidden_states",
          out.get(Sam3PromptGraph.ENCODER_HIDDEN_STATES).data(), c.get("encoder_hidden_states"),
          1e-5, 1);
      Fixtures.assertStats(name + " queries", out.get(Sam3PromptGraph.QUERIES).data(),
          c.get("queries"), 1e-5, 1);
      String dir = c.get("name").asText() + "/";
      double logits = Fixtures.relL2(out.get(Sam3PromptGraph.PRED_LOGITS).data(),
          Sam3Fixtures.npy(Sam3Fixtures.file(image, dir + "pred_logits.npy")).toFloatArray());
      double boxes2 = Fixtures.relL2(out.get(Sam3PromptGraph.PRED_BOXES).data(),
          Sam3Fixtures.npy(Sam3Fixtures.file(image, dir + "pred_boxes.npy")).toFloatArray());
      float presence = out.get(Sam3PromptGraph.PRESENCE_LOGIT_DEC).data()[0];
      double presenceRef = c.get("presence_logit_dec").asDouble();
      float[] masks = out.get(Sam3PromptGraph.PRED_MASKS).data();
      double maskRel = Double.NaN;
      if (java.nio.file.Files.exists(Sam3Fixtures.file(image, dir + "pred_masks.npy.gz"))) {
        maskRel = Fixtures.relL2(masks,
            Sam3Fixtures.npy(Sam3Fixtures.file(image, dir + "pred_masks.npy.gz")).toFloatArray());
      }
      System.out.printf("%s rel L2: pred_logits %.3g pred_boxes %.3g pred_masks %.3g;"
          + " presence %.7f/%.7f%n", name, logits, boxes2, maskRel, presence, presenceRef);
      assertTrue(logits <= 1e-5, name + " pred_logits rel L2 " + logits);
      assertTrue(boxes2 <= 1e-5, name + " pred_boxes rel L2 " + boxes2);
      assertEquals(presenceRef, presence, 1e-5 * Math.max(1, Math.abs(presenceRef)),
          name + " presence_logit_dec");
      assertTrue(Double.isNaN(maskRel) || maskRel <= 1e-5, name + " pred_masks rel L2 " + maskRel);
      Fixtures.assertStats(name + " pred_masks", masks, c.get("pred_masks"), 1e-4, 1);
      Fixtures.assertStats(name + " semantic_seg", out.get(Sam3PromptGraph.SEMANTIC_SEG).data(),
          c.get("semantic_seg"), 1e-4, 1);
    }
  }
}
