package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.nn.RandomWeights;
import io.sam4j.modeling.sam2.Sam2Config;
import io.sam4j.graph.OnnxModel;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Times SAM 2.1-t's memory attention at its official size with random weights and a full bank
 * (7 memories, 16 pointers): its exact GFLOP per object, the MatMul peak and the time per operator
 * type; {@code -Dsam4j.speed=true} only (tens of seconds on two cores).
 */
@EnabledIfSystemProperty(named = "sam4j.speed", matches = "true")
class MemoryAttentionSpeedCheck {
  @Test
  void officialSizeFullBank() {
    TrackerSpec spec = TrackerSpec.of(Sam2Config.official("sam2.1_hiera_t"));
    SplittableRandom rnd = new SplittableRandom(7);
    Map<String, Tensor> m = new HashMap<>();
    MemoryAttentionSpec ma = spec.memoryAttention();
    int c = spec.hiddenDim();
    int mem = spec.memDim();
    for (int l = 0; l < ma.numLayers(); l++) {
      String p = "memory_attention.layers." + l;
      for (String a : new String[] {"self_attn", "cross_attn_image"}) {
        int kv = a.equals("self_attn") ? c : mem;
        m.put(p + "." + a + ".q_proj.weight", RandomWeights.uniform(rnd, 0, c, c));
        m.put(p + "." + a + ".k_proj.weight", RandomWeights.uniform(rnd, 0, c, kv));
        m.put(p + "." + a + ".v_proj.weight", RandomWeights.uniform(rnd, 0, c, kv));
        m.put(p + "." + a + ".out_proj.weight", RandomWeights.uniform(rnd, 0, c, c));
        for (String w : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
          m.put(p + "." + a + "." + w + ".bias", RandomWeights.uniform(rnd, 0, c));
        }
      }
      m.put(p + ".linear1.weight", RandomWeights.uniform(rnd, 0, ma.dimFeedforward(), c));
      m.put(p + ".linear1.bias", RandomWeights.uniform(rnd, 0, ma.dimFeedforward()));
      m.put(p + ".linear2.weight", RandomWeights.uniform(rnd, 0, c, ma.dimFeedforward()));
      m.put(p + ".linear2.bias", RandomWeights.uniform(rnd, 0, c));
      for (String n : new String[] {"norm1", "norm2", "norm3"}) {
        m.put(p + "." + n + ".weight", RandomWeights.uniform(rnd, 1, c));
        m.put(p + "." + n + ".bias", RandomWeights.uniform(rnd, 0, c));
      }
    }
    m.put("memory_attention.norm.weight", RandomWeights.uniform(rnd, 1, c));
    m.put("memory_attention.norm.bias", RandomWeights.uniform(rnd, 0, c));
    m.put("maskmem_tpos_enc", RandomWeights.uniform(rnd, 0, 7, 1, 1, mem));
    m.put("obj_ptr_tpos_proj.weight", RandomWeights.uniform(rnd, 0, mem, c));
    m.put("obj_ptr_tpos_proj.bias", RandomWeights.uniform(rnd, 0, mem));
    StateDict sd = new StateDict(m, "random");
    int e = spec.featureSize();
    float[] pos = RandomWeights.uniform(rnd, 0, c, e, e).toFloatArray();
    Map<String, FloatTensor> frameIn = Map.of(MemoryGraphs.VISION_FEATURES, new FloatTensor(
        RandomWeights.uniform(rnd, 0, 1, c, e, e).toFloatArray(), new long[] {1, c, e, e}));
    float[] tokens;
    try (InferenceSession f = InferenceSession.create("frame",
        MemoryGraphs.memoryAttentionFrame(sd, spec, pos), RuntimeOptions.defaults())) {
      tokens = f.run(frameIn).get(MemoryGraphs.FRAME_TOKENS).data();
    }
    Map<String, FloatTensor> in = new HashMap<>();
    in.put(MemoryGraphs.FRAME_TOKENS, new FloatTensor(tokens, new long[] {1, (long) e * e, c}));
    in.put(MemoryGraphs.MEMORY, new FloatTensor(RandomWeights.uniform(rnd, 0, 7, mem, e, e)
        .toFloatArray(), new long[] {7, mem, e, e}));
    in.put(MemoryGraphs.MEMORY_TPOS_SLOT, new FloatTensor(new float[] {6, 0, 1, 2, 3, 4, 5},
        new long[] {7}));
    in.put(MemoryGraphs.OBJ_PTRS, new FloatTensor(RandomWeights.uniform(rnd, 0, 16, c)
        .toFloatArray(), new long[] {16, c}));
    float[] tp = new float[16];
    for (int i = 0; i < 16; i++) {
      tp[i] = i / 15f;
    }
    in.put(MemoryGraphs.OBJ_PTR_TPOS, new FloatTensor(tp, new long[] {16}));
    OnnxModel graph = MemoryGraphs.memoryAttention(sd, spec, pos, CrossAttention.Factory.ROPE);
    int threads = RuntimeOptions.defaults().effectiveThreads();
    System.out.printf("GFLOP per object %.1f, MatMul peak %.1f GFLOP/s%n",
        Profiling.flops(graph, in, threads) / 1e9, Profiling.matmulGflops(2048, threads, 3));
    Profiling.opTimes(graph, in, threads, 1).forEach((op, ms) ->
        System.out.printf("  %-28s %8.1f ms%n", op, ms));
  }
}
