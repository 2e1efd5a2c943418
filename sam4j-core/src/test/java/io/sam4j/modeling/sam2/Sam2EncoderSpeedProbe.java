package io.sam4j.modeling.sam2;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions;
import java.util.List;
import java.util.Map;

/**
 * A manual speed probe (not a test): {@code java -cp ... Sam2EncoderSpeedProbe sam2.1_hiera_t 3
 * [profile]} prints encoder ms, GFLOPs, the MatMul peak and (optionally) time per op type.
 */
public final class Sam2EncoderSpeedProbe {
  public static void main(String[] args) {
    Sam2ModelSpec spec = Sam2Config.official(args.length > 0 ? args[0] : "sam2.1_hiera_t");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    StateDict sd = SyntheticSam2.encoderWeights(spec, 1);
    long t0 = System.nanoTime();
    OnnxModel model = Sam2Encoders.graph(sd, spec, List.of());
    int s = spec.imageSize();
    Map<String, FloatTensor> in = Map.of(Sam2Graphs.IMAGE,
        new FloatTensor(new float[3 * s * s], new long[] {1, 3, s, s}));
    int threads = Runtime.getRuntime().availableProcessors();
    try (InferenceSession session = InferenceSession.create("enc", model,
        RuntimeOptions.defaults())) {
      System.out.printf("build+session %.1f s%n", (System.nanoTime() - t0) / 1e9);
      double best = Double.MAX_VALUE;
      for (int i = 0; i < runs; i++) {
        long a = System.nanoTime();
        session.run(in);
        double ms = (System.nanoTime() - a) / 1e6;
        best = Math.min(best, ms);
        System.out.printf("run %d: %.0f ms%n", i, ms);
      }
      double gflops = Profiling.flops(model, in, threads) / 1e9;
      double peak = Profiling.matmulGflops(2048, threads, 3);
      System.out.printf("%s: best %.0f ms, %.1f GFLOP, %.1f GFLOP/s, peak %.1f -> %.0f%%%n",
          spec.name(), best, gflops, gflops / (best / 1000), peak,
          100 * gflops / (best / 1000) / peak);
      if (args.length > 2) {
        Profiling.opTimes(model, in, threads, 1).forEach((k, v) ->
            System.out.printf("  %-40s %.1f%n", k, v));
      }
    }
  }
}
