package io.sam4j;

import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.SyntheticEncoders;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.RuntimeOptions.Precision;
import io.sam4j.runtime.Profiling;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchEdgeTamProfile {
  @Test
  void profile() {
    SyntheticEncoders.Arch a = SyntheticEncoders.get(System.getProperty("arch", "edgetam"), null);
    OnnxModel g = a.graph(Precision.FP32);
    int s = a.imageSize();
    float[] x = new float[3 * s * s];
    Random r = new Random(1);
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    Map<String, Double> t = Profiling.opTimes(g, Map.of(a.inputName(), new FloatTensor(x, new long[] {1, 3, s, s})), 2, 5);
    double sum = t.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf("total %.1f ms:", sum);
    t.forEach((k, v) -> System.out.printf(" %s=%.1f", k, v));
    System.out.println();
  }
}
