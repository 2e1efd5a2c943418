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

  /** Runs the attention on the saved inputs, keeping the first {@code frames} memory frames. */
  private static float[] run(boolean pool, int frames) {
    return run(pool, false, frames);
  }

  private static float[] run(boolean pool, boolean biasKeys, int frames) {
    return run(pool, biasKeys, frames, false);
  }

  /** {@code portable}: plain ONNX operators instead of the fused MultiHeadAttention. */
  private static float[] run(boolean pool, boolean biasKeys, int frames, boolean portable) {
    Tensor q = npz.get("q");
    Tensor k = npz.get("k");
    int ptr = (int) npz.get("num_k_exclude_rope").toFloatArray()[0];
    assertEquals(8, ptr);
    assertEquals(2, (k.dim(1) - ptr) / q.dim(1));
    int kv = k.dim(2);
    GraphBuilder g = new GraphBuilder("cross_attn", portable);
    Layers nn = new Layers(g, sd);
    Value qi = g.input("q", ElemType.FLOAT, 1, q.dim(1), q.dim(2));
    Value[] in = new Value[4];
    String[] names = {"k_mem", "v_mem", "k_ptr", "v_ptr"};
    for (int i = 0; i < 4; i++) {
      in[i] = g.input(names[i], ElemType.FLOAT, 1, i < 2 ? "mem" : "ptr", kv);
    }
    EfficientRoPEAttention1 attn = new EfficientRoPEAttention1(nn,
        "memory_attention.layers.0.cross_attn_image", 1, 10000.0, 32, pool, biasKeys);
    g.output("out", attn.crossAttention(qi, in[0], in[1], in[2], in[3]));
    int mem = frames * q.dim(1);
    int all = k.dim(1);
    float[] kf = k.toFloatArray();
    float[] vf = npz.get("v").toFloatArray();
    try (InferenceSession s = InferenceSession.create("cross_attn", g.build(),
        RuntimeOptions.defaults())) {
      return s.run(Map.of("q", tensor(q),
          "k_mem", rows(kf, 0, mem, kv), "v_mem", rows(vf, 0, mem, kv),
          "k_ptr", rows(kf, all - ptr, all, kv), "v_ptr", rows(vf, all - ptr, all, kv)))
          .get("out").data();
    }
  }

  private static FloatTensor rows(float[] x, int from, int to, int width) {
    return new FloatTensor(Arrays.copyOfRange(x, from * width, to * width),
        new long[] {1, to - from, width});
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
    float[] got = run(true, 2);
    double err = firstRowsRelL2(got, "out_EfficientRoPEAttention1");
    double errPlain = firstRowsRelL2(run(true, false, 2, true), "out_EfficientRoPEAttention1");
    System.out.println("EfficientRoPEAttention1 layer 0, s02 f2 o1: rel L2 " + err
        + " (MultiHeadAttention), " + errPlain + " (plain ONNX)");
    assertTrue(err < 1e-5, "rel L2 " + err);
    assertTrue(errPlain < 1e-5, "rel L2 " + errPlain);
    // the pooled form differs from the other two classes of the same weights
    assertTrue(firstRowsRelL2(got, "out_RoPEAttention") > 1e-2);
    assertTrue(firstRowsRelL2(got, "out_EfficientRoPEAttention2") > 1e-2);
  }

  @Test
  void withoutPoolingItIsRopeAttention() {
    double err = firstRowsRelL2(run(false, 2), "out_RoPEAttention");
    System.out.println("RoPEAttention layer 0, s02 f2 o1: rel L2 " + err);
    assertTrue(err < 1e-5, "rel L2 " + err);
  }

  /** The same graph with one memory frame does not pool: it equals plain RoPE attention. */
  @Test
  void oneMemoryFrameIsNotPooled() {
    float[] pooledGraph = run(true, 1);
    double err = Fixtures.relL2(pooledGraph, run(false, 1));
    System.out.println("EfficientRoPEAttention1 with one memory frame vs RoPEAttention: " + err);
    assertTrue(err < 1e-6, "rel L2 " + err);
    // and with two frames the choice is the other way
    assertTrue(Fixtures.relL2(run(true, 2), run(false, 2)) > 1e-2);
  }

  /** {@code EfficientRoPEAttention2} (the *_2 configs) on the same inputs. */
  @Test
  void keyBiasedFormMatchesEfficientRoPEAttention2() {
    double err = firstRowsRelL2(run(true, true, 2), "out_EfficientRoPEAttention2");
    double errPlain = firstRowsRelL2(run(true, true, 2, true), "out_EfficientRoPEAttention2");
    System.out.println("EfficientRoPEAttention2 layer 0, s02 f2 o1: rel L2 " + err
        + " (MultiHeadAttention), " + errPlain + " (plain ONNX)");
    assertTrue(err < 1e-5, "rel L2 " + err);
    assertTrue(errPlain < 1e-5, "rel L2 " + errPlain);
  }
}
