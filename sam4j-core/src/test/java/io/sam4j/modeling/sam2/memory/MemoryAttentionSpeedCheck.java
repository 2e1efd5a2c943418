package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.nn.RandomWeights;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.VideoArchitecture;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Times an official model's memory attention ({@code -Dsam4j.config}, default
 * {@code sam2.1_hiera_t}) with random weights and a full bank (7 memories, 16 pointers): the exact
 * GFLOP of the frame part and of one object's part, the MatMul peak and the time per operator
 * type of the object's part; {@code -Dsam4j.speed=true} only (tens of seconds on two cores).
 */
@EnabledIfSystemProperty(named = "sam4j.speed", matches = "true")
class MemoryAttentionSpeedCheck {
  @Test
  void officialSizeFullBank() {
    Sam2ModelSpec model = Sam2Config.official(System.getProperty("sam4j.config",
        "sam2.1_hiera_t"));
    TrackerSpec spec = TrackerSpec.of(model);
    VideoArchitecture arch = VideoArchitecture.of(model);
    StateDict sd = new StateDict(SyntheticTrackerWeights.weights(model, 7), "random");
    SplittableRandom rnd = new SplittableRandom(7);
    int c = spec.hiddenDim();
    int mem = spec.memDim();
    int e = spec.featureSize();
    float[] pos = RandomWeights.uniform(rnd, 0, c, e, e).toFloatArray();
    int threads = RuntimeOptions.defaults().effectiveThreads();
    Map<String, FloatTensor> frameIn = Map.of(MemoryGraphs.VISION_FEATURES, new FloatTensor(
        RandomWeights.uniform(rnd, 0, 1, c, e, e).toFloatArray(), new long[] {1, c, e, e}));
    OnnxModel frame = arch.memoryAttention().frame(sd, spec, pos);
    float[] tokens;
    try (InferenceSession f = InferenceSession.create("frame", frame, RuntimeOptions.defaults())) {
      tokens = f.run(frameIn).get(MemoryGraphs.FRAME_TOKENS).data();
    }
    long t = arch.compressor().tokens(e);
    long[] shape = t == (long) e * e ? new long[] {7, mem, e, e} : new long[] {7, mem, t};
    Map<String, FloatTensor> in = new HashMap<>();
    in.put(MemoryGraphs.FRAME_TOKENS, new FloatTensor(tokens, new long[] {1, (long) e * e, c}));
    in.put(MemoryGraphs.MEMORY, new FloatTensor(RandomWeights.uniform(rnd, 0, shape)
        .toFloatArray(), shape));
    in.put(MemoryGraphs.MEMORY_TPOS_SLOT, new FloatTensor(new float[] {6, 0, 1, 2, 3, 4, 5},
        new long[] {7}));
    in.put(MemoryGraphs.OBJ_PTRS, new FloatTensor(RandomWeights.uniform(rnd, 0, 16, c)
        .toFloatArray(), new long[] {16, c}));
    float[] tp = new float[16];
    for (int i = 0; i < 16; i++) {
      tp[i] = i / 15f;
    }
    in.put(MemoryGraphs.OBJ_PTR_TPOS, new FloatTensor(tp, new long[] {16}));
    OnnxModel graph = arch.memoryAttention().build(sd, spec, pos);
    System.out.printf("%s: GFLOP frame part %.2f, per object %.2f; MatMul peak %.1f GFLOP/s%n",
        model.name(), Profiling.flops(frame, frameIn, threads) / 1e9,
        Profiling.flops(graph, in, threads) / 1e9, Profiling.matmulGflops(2048, threads, 3));
    Profiling.opTimes(graph, in, threads, 1).forEach((op, ms) ->
        System.out.printf("  %-28s %8.1f ms%n", op, ms));
  }
}
