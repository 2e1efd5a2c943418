package io.sam4j.modeling.efficienttam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layer 0's memory cross-attention at s02 frame 2, object 1 (two memory frames: pooled, plus 8
 * pointer tokens) against the reference's saved inputs and first 256 output rows.
 */
class EfficientRoPEAttention1Test {
  private static StateDict sd;
  private static Map<String, Tensor> npz;

  @BeforeAll
  static void load() throws Exception {
    Path root = Fixtures.root();
    sd = CheckpointReader.read(root.resolve("efficienttam_fixture.pt"));
    npz = Npz.read(root.resolve(
        "efficienttam_fixture/video_bedroom/s02_f2_o1_layer0_cross_attn.npz"));
  }

  private static float[] run(boolean pool) {
    Tensor q = npz.get("q");
    Tensor k = npz.get("k");
    int ptr = (int) npz.get("num_k_exclude_rope").toFloatArray()[0];
    assertEquals(8, ptr);
    int frames = (k.dim(1) - ptr) / q.dim(1);
    assertEquals(2, frames);
    GraphBuilder g = new GraphBuilder("cross_attn");
    Layers nn = new Layers(g, sd);
    Value qi = g.input("q", ElemType.FLOAT, 1, q.dim(1), q.dim(2));
    Value ki = g.input("k", ElemType.FLOAT, 1, k.dim(1), k.dim(2));
    Value vi = g.input("v", ElemType.FLOAT, 1, k.dim(1), k.dim(2));
    EfficientRoPEAttention1 attn = new EfficientRoPEAttention1(nn,
        "memory_attention.layers.0.cross_attn_image", 1, 10000.0, 32, 32);
    g.output("out", attn.forward(qi, ki, vi, frames, ptr, pool));
    try (InferenceSession s = InferenceSession.create("cross_attn", g.build(),
        RuntimeOptions.defaults())) {
      return s.run(Map.of("q", tensor(q), "k", tensor(k), "v", tensor(npz.get("v"))))
          .get("out").data();
    }
  }

  private static FloatTensor tensor(Tensor t) {
    return new FloatTensor(t.toFloatArray(), t.shape());
  }

  private static double firstRowsRelL2(float[] got, String reference) {
    float[] want = npz.get(reference).toFloatArray();
    return Fixtures.relL2(Arrays.copyOf(got, want.length), want);
  }

  @Test
  void pooledAttentionMatchesTheReference() {
    float[] got = run(true);
    double err = firstRowsRelL2(got, "out_EfficientRoPEAttention1");
    System.out.println("EfficientRoPEAttention1 layer 0, s02 f2 o1: rel L2 " + err);
    assertTrue(err < 1e-5, "rel L2 " + err);
    // the pooled form differs from the other two classes of the same weights
    assertTrue(firstRowsRelL2(got, "out_RoPEAttention") > 1e-2);
    assertTrue(firstRowsRelL2(got, "out_EfficientRoPEAttention2") > 1e-2);
  }

  @Test
  void withoutPoolingItIsRopeAttention() {
    double err = firstRowsRelL2(run(false), "out_RoPEAttention");
    System.out.println("RoPEAttention layer 0, s02 f2 o1: rel L2 " + err);
    assertTrue(err < 1e-5, "rel L2 " + err);
  }
}
