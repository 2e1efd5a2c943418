package io.sam4j.modeling.edgetam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EdgeTAM's RepViT trunk against the fixture's statistics of {@code image_encoder.trunk.body.stem}
 * and {@code stages_0..3}, from the network input the reference computes for the decoded PNGs (both
 * upscaled to 1024 x 1024, where antialiased bilinear is plain bilinear with half-pixel centres).
 */
class TimmBackboneTest {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  @ParameterizedTest
  @ValueSource(strings = {"dog", "picture1"})
  void stagesMatchReference(String image) throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(
        Fixtures.root().resolve("edgetam_fixture/manifest.json").toFile());
    JsonNode info = null;
    for (JsonNode n : manifest.get("images")) {
      if (n.get("image").asText().startsWith(image + ".")) {
        info = n;
      }
    }
    int s = info.get("input_size").get(0).asInt();
    float[] input = input(Images.read(Fixtures.imageFile(image + ".decoded.png")), s);
    Fixtures.assertStats(image + " input", input, info.get("input_tensor"), 1e-6);
    if (info.has("input_tensor_rows")) {
      checkRows(input, s, info.get("input_tensor_rows"), image);
    }
    StateDict sd = CheckpointReader.read(Fixtures.root().resolve("edgetam_fixture.pt"));
    TimmBackbone trunk = new TimmBackbone(sd);
    assertEquals(List.of(16, 24, 32, 48), trunk.channels());
    GraphBuilder g = new GraphBuilder("trunk");
    Value x = g.input("image", ElemType.FLOAT, 1, 3, s, s);
    Map<String, Value> taps = new LinkedHashMap<>();
    List<Value> features = trunk.build(g, x, taps);
    assertEquals(4, features.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(taps.get(TimmBackbone.P + ".stages_" + i), features.get(i));
    }
    JsonNode expected = info.get("encoder_intermediates");
    int checked = 0;
    for (String t : taps.keySet()) {
      g.output(t, taps.get(t));
    }
    try (InferenceSession session = InferenceSession.create("trunk", g.build(),
        RuntimeOptions.defaults())) {
      Map<String, FloatTensor> out = session.run(Map.of("image",
          new FloatTensor(input, new long[] {1, 3, s, s})));
      for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!name.startsWith(TimmBackbone.P)) {
          continue;
        }
        FloatTensor t = out.get(name);
        JsonNode ref = expected.get(name);
        long[] shape = new long[ref.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = ref.get("shape").get(i).asLong();
        }
        assertArrayEquals(shape, t.shape(), name);
        Fixtures.assertStats(image + " " + name, t.data(), ref, 1e-4);
        checked++;
      }
    }
    assertEquals(5, checked);
  }

  /** The reference's rows of the input, exactly (to float rounding). */
  private static void checkRows(float[] input, int s, JsonNode rows, String image) {
    float[] ref = Npy.read(Fixtures.root().resolve("edgetam_fixture").resolve(image)
        .resolve(rows.get("file").asText())).toFloatArray();
    int n = rows.get("rows").size();
    double worst = 0;
    for (int c = 0; c < 3; c++) {
      for (int r = 0; r < n; r++) {
        int y = rows.get("rows").get(r).asInt();
        for (int x = 0; x < s; x++) {
          worst = Math.max(worst, Math.abs(input[(c * s + y) * s + x] - ref[(c * n + r) * s + x]));
        }
      }
    }
    System.out.println(image + " input rows: largest difference " + worst);
    assertTrue(worst < 1e-5, "input rows differ by " + worst);
  }

  /**
   * SAM 2's image transform for an upscaled image: {@code ToTensor} (/255), bilinear to s x s
   * (align_corners false, the source index clamped at 0), ImageNet normalization, in float.
   */
  static float[] input(RgbImage img, int s) {
    int h = img.height();
    int w = img.width();
    float[] out = new float[3 * s * s];
    int[][] ys = taps(h, s);
    float[][] wy = weights(h, s);
    int[][] xs = taps(w, s);
    float[][] wx = weights(w, s);
    for (int c = 0; c < 3; c++) {
      float[] rows = new float[s * w];
      for (int oy = 0; oy < s; oy++) {
        for (int x = 0; x < w; x++) {
          float a = img.get(x, ys[oy][0], c) / 255f;
          float b = img.get(x, ys[oy][1], c) / 255f;
          rows[oy * w + x] = wy[oy][0] * a + wy[oy][1] * b;
        }
      }
      for (int oy = 0; oy < s; oy++) {
        for (int ox = 0; ox < s; ox++) {
          float v = wx[ox][0] * rows[oy * w + xs[ox][0]] + wx[ox][1] * rows[oy * w + xs[ox][1]];
          out[(c * s + oy) * s + ox] = (v - MEAN[c]) / STD[c];
        }
      }
    }
    return out;
  }

  private static int[][] taps(int in, int out) {
    int[][] t = new int[out][2];
    float scale = (float) in / out;
    for (int o = 0; o < out; o++) {
      float src = Math.max((o + 0.5f) * scale - 0.5f, 0f);
      int i0 = Math.min((int) src, in - 1);
      t[o][0] = i0;
      t[o][1] = Math.min(i0 + 1, in - 1);
    }
    return t;
  }

  private static float[][] weights(int in, int out) {
    float[][] wt = new float[out][2];
    float scale = (float) in / out;
    for (int o = 0; o < out; o++) {
      float src = Math.max((o + 0.5f) * scale - 0.5f, 0f);
      float l1 = src - Math.min((int) src, in - 1);
      wt[o][0] = 1f - l1;
      wt[o][1] = l1;
    }
    return wt;
  }
}
