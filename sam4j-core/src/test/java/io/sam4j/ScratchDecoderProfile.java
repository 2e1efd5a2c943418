package io.sam4j;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchDecoderProfile {
  @Test
  void profile() throws Exception {
    StateDict sd = CheckpointReader.read(Path.of("/work/shared/fixtures/mobilesam-random.pt"));
    ModelSpec spec = SpecDetector.detect(sd);
    Random r = new Random(1);
    float[] e = new float[256 * 64 * 64];
    for (int i = 0; i < e.length; i++) e[i] = (float) r.nextGaussian();
    FloatTensor emb = new FloatTensor(e, new long[] {1, 256, 64, 64});
    RuntimeOptions o = new RuntimeOptions(2, true);
    Map<String, FloatTensor> cache;
    try (InferenceSession s = InferenceSession.create("p", SamGraphs.decoderPrologue(sd, spec), o, true)) {
      cache = s.run(Map.of(SamGraphs.IMAGE_EMBEDDINGS, emb));
    }
    Map<String, FloatTensor> in = new LinkedHashMap<>();
    in.put(SamGraphs.POINT_COORDS, new FloatTensor(new float[] {400, 300, 0, 0}, new long[] {1, 2, 2}));
    in.put(SamGraphs.POINT_LABELS, new FloatTensor(new float[] {1, -1}, new long[] {1, 2}));
    for (String n : SamGraphs.CACHE) in.put(n, cache.get(n));
    OnnxModel tg = SamGraphs.decoderTokens(sd, spec);
    Map<String, FloatTensor> tout;
    try (InferenceSession s = InferenceSession.create("t", tg, o, true)) {
      tout = s.run(in);
    }
    Map<String, FloatTensor> min = new LinkedHashMap<>();
    min.put(SamGraphs.FINAL_KEYS, tout.get(SamGraphs.FINAL_KEYS));
    min.put(SamGraphs.HYPER_IN, tout.get(SamGraphs.HYPER_IN));
    OnnxModel mg = SamGraphs.decoderMasksForAll(sd, spec);
    for (int threads : new int[] {2, 1}) {
      print("tokens t" + threads, Profiling.opTimes(tg, in, threads, 60));
      print("masks t" + threads, Profiling.opTimes(mg, min, threads, 60));
    }
    System.out.println("flops tokens " + Profiling.flops(tg, in, 2) / 1e9 + " masks " + Profiling.flops(mg, min, 2) / 1e9);
  }

  static void print(String name, Map<String, Double> t) {
    double sum = t.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("%s total %.2f ms:", name, sum);
    t.forEach((k, v) -> System.out.printf(" %s=%.2f", k, v));
    System.out.println();
  }
}
