package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ViT's blocks against a plain double-precision Java transcription of {@code vitdet.Block}
 * (window_partition with zero padding after {@code norm1}, per-window qkv, 2-D RoPE, softmax
 * attention over every token of the padded window, unpartition and crop, residual, MLP), on a
 * reduced spec whose 10 x 10 token grid the window of 4 does not divide (padded to 12; the padded
 * tokens project to the qkv bias and are attended to) and on one it divides (12 x 12: the fused
 * graph keeps the tokens in window order). Both the fused graph (ONNX Runtime's operators) and the
 * portable one are checked: block 0 (windowed) from the graph's {@code ln_pre}, block 1 (global)
 * from its block 0. A variant that leaves the padded keys out is far outside the tolerance, so the
 * comparison sees the padding.
 */
class Sam3WindowPaddingTest {
  private static final String T = Sam3Detector.TRUNK;

  @ParameterizedTest(name = "{0} px, fused={1}")
  @CsvSource({"140, true", "140, false", "168, true", "168, false"})
  void blocksMatchAPlainTranscription(int size, boolean fused) throws IOException {
    Sam3Spec spec = spec(size);
    Sam3Spec.Vit v = spec.vit();
    StateDict sd = strongTrunk(SyntheticSam3.weights(spec, 5, SyntheticSam3.Part.IMAGE), v);
    List<String> taps = List.of(T + "ln_pre", T + "blocks.0", T + "blocks.1");
    float[] image = new float[3 * size * size];
    SplittableRandom rnd = new SplittableRandom(9);
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) rnd.nextDouble(-1, 1);
    }
    Map<String, FloatTensor> out;
    try (InferenceSession s = InferenceSession.create("sam3 trunk", Sam3ImageEncoder.graph(sd,
        spec, taps, Precision.FP32, !fused), RuntimeOptions.defaults())) {
      out = s.run(Map.of(Sam3ImageEncoder.IMAGE,
          new FloatTensor(image, new long[] {1, 3, size, size})));
    }
    int grid = v.gridSize();
    float[] x0 = out.get(T + "ln_pre").data();
    float[] x1 = out.get(T + "blocks.0").data();
    float[] x2 = out.get(T + "blocks.1").data();
    assertEquals(grid * grid * v.embedDim(), x0.length);

    VitBlockReference ref0 = new VitBlockReference(sd, v, 0);
    double[] want1 = ref0.forward(x0, false);
    double rel1 = relIncrement(x1, want1, x0);
    double[] masked = ref0.forward(x0, true);
    double maskedRel = relIncrement(toFloat(masked), want1, x0);
    double rel2 = relIncrement(x2, new VitBlockReference(sd, v, 1).forward(x1, false), x1);
    System.out.printf("%d px (grid %d, window %d) fused=%s: block 0 %.3g, block 1 %.3g rel L2 of"
        + " the increment; padded keys left out: %.3g%n", size, grid, v.windowSize(), fused,
        rel1, rel2, maskedRel);
    assertTrue(rel1 <= 1e-5, "windowed block rel L2 " + rel1);
    assertTrue(rel2 <= 1e-5, "global block rel L2 " + rel2);
    if (grid % v.windowSize() != 0) {
      assertTrue(maskedRel > 1e-2, "leaving the padding out changes the block by only " + maskedRel);
    } else {
      assertTrue(maskedRel <= 1e-6, "nothing is padded, yet the masked variant moves " + maskedRel);
    }
  }

  /** A reduced spec with {@code size / 14} tokens per side, window 4, blocks 0 windowed, 1 global. */
  static Sam3Spec spec(int size) throws IOException {
    ObjectNode s = (ObjectNode) new ObjectMapper().readTree(Sam3Fixtures.spec().toFile());
    s.put("image_size", size);
    ObjectNode vit = s.with("vit");
    vit.put("img_size", size).put("embed_dim", 16).put("depth", 2).put("num_heads", 2)
        .put("window_size", 4).put("pretrain_img_size", 56);
    vit.putArray("global_att_blocks").add(1);
    s.with("processor").put("resolution", size);
    return Sam3SpecReader.parse(s, "padded.json");
  }

  /** The synthetic weights with the blocks' layers at scale 1 / sqrt(in), so attention is sharp. */
  private static StateDict strongTrunk(StateDict sd, Sam3Spec.Vit v) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    SplittableRandom rnd = new SplittableRandom(17);
    for (String k : sd.keys()) {
      Tensor t = sd.get(k);
      boolean layer = k.startsWith(T + "blocks.") && (k.contains(".qkv.") || k.contains(".proj.")
          || k.contains(".fc1.") || k.contains(".fc2."));
      if (!layer) {
        m.put(k, t);
        continue;
      }
      float[] w = new float[(int) t.numel()];
      double half = Math.sqrt(3.0 / (t.rank() == 2 ? t.dim(1) : v.embedDim()));
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) rnd.nextDouble(-half, half);
      }
      m.put(k, Tensor.ofFloats(w, t.shape()));
    }
    return new StateDict(m, "synthetic");
  }

  /** Relative L2 of {@code got - base} against {@code want - base}. */
  private static double relIncrement(float[] got, double[] want, float[] base) {
    float[] a = new float[got.length];
    float[] b = new float[got.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (got[i] - (double) base[i]);
      b[i] = (float) (want[i] - base[i]);
    }
    return Fixtures.relL2(a, b);
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
