package io.sam4j.modeling.edgetam;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.efficienttam.Npz;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code RoPEAttentionv2} with equal query and key grids and no global latents is SAM 2's
 * {@code RoPEAttention} with repeated key frequencies: checked on the one cross-attention whose
 * inputs and output a fixture holds (EfficientTAM's layer 0 at s02 frame 2: two 32x32 memory
 * frames and 8 pointer tokens, {@code out_RoPEAttention} computed by the reference with the same
 * weights).
 */
class RoPEAttentionv2Test {
  private static double run(boolean portable) throws Exception {
    Path root = Fixtures.root();
    StateDict sd = CheckpointReader.read(root.resolve("efficienttam_fixture.pt"));
    Map<String, Tensor> npz = Npz.read(root.resolve(
        "efficienttam_fixture/video_bedroom/s02_f2_o1_layer0_cross_attn.npz"));
    Tensor q = npz.get("q");
    Tensor k = npz.get("k");
    GraphBuilder g = new GraphBuilder("cross_attn", portable);
    Value qi = g.input("q", ElemType.FLOAT, 1, q.dim(1), q.dim(2));
    Value ki = g.input("k", ElemType.FLOAT, 1, "keys", k.dim(2));
    Value vi = g.input("v", ElemType.FLOAT, 1, "keys", k.dim(2));
    Layers nn = new Layers(g, sd);
    RoPEAttentionv2 attn = new RoPEAttentionv2(nn,
        "memory_attention.layers.0.cross_attn_image", 1, 10000.0, new int[] {32, 32},
        new int[] {32, 32}, 1024);
    long mem = 2 * 1024;
    g.output("out", attn.crossAttention(qi, nn.slice(ki, 1, 0, mem), nn.slice(vi, 1, 0, mem),
        nn.slice(ki, 1, mem, Long.MAX_VALUE), nn.slice(vi, 1, mem, Long.MAX_VALUE)));
    float[] got;
    try (InferenceSession s = InferenceSession.create("cross_attn", g.build(),
        RuntimeOptions.defaults())) {
      got = s.run(Map.of("q", tensor(q), "k", tensor(k), "v", tensor(npz.get("v")))).get("out")
          .data();
    }
    float[] want = npz.get("out_RoPEAttention").toFloatArray();
    return Fixtures.relL2(Arrays.copyOf(got, want.length), want);
  }

  @Test
  void withoutGlobalLatentsItIsRopeAttention() throws Exception {
    for (boolean portable : new boolean[] {false, true}) {
      double err = run(portable);
      System.out.println("RoPEAttentionv2 as RoPEAttention, layer 0 s02 f2 o1: rel L2 " + err
          + (portable ? " (plain ONNX)" : " (MultiHeadAttention)"));
      assertTrue(err < 1e-5, "rel L2 " + err);
    }
  }

  @Test
  void framesTooShortForThePatchGridAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RoPEAttentionv2(null, "x", 1, 10000.0,
        new int[] {64, 64}, new int[] {16, 16}, 100));
  }

  private static FloatTensor tensor(Tensor t) {
    return new FloatTensor(t.toFloatArray(), t.shape());
  }
}
