package io.sam4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InferenceSessionTest {
  /** softmax(x W) over rows of 64: enough work for the runtime to use its threads. */
  private static OnnxModel graph() {
    GraphBuilder g = new GraphBuilder("t");
    Value x = g.input("x", ElemType.FLOAT, 256, 64);
    float[] w = new float[64 * 64];
    Random r = new Random(1);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    g.output("y", g.node("Softmax", g.op("MatMul", x, g.weight("w", w, 64, 64)))
        .attr("axis", -1L).out());
    return g.build();
  }

  private static Map<String, FloatTensor> input() {
    float[] x = new float[256 * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 97) * 0.01f - 0.4f;
    }
    return Map.of("x", new FloatTensor(x, new long[] {256, 64}));
  }

  @Test
  void aShortRunAloneTakesTheSpinningTwinAndComputesTheSameValues() throws Exception {
    RuntimeOptions two = new RuntimeOptions(2, true);
    try (InferenceSession s = InferenceSession.create("decoder", graph(), two, true)) {
      float[] beside;
      try (AutoCloseable other = InferenceSession.occupyCores()) {
        beside = s.run(input()).get("y").data();
      }
      assertFalse(s.spinningTwinMade(), "a run beside another takes the sleeping session");
      float[] alone = s.run(input()).get("y").data();
      assertTrue(s.spinningTwinMade());
      assertArrayEquals(beside, alone);
      assertEquals(1.0, sum(alone, 0, 64), 1e-5);
    }
  }

  @Test
  void longRunsAndSingleThreadsHaveNoTwin() {
    try (InferenceSession longRuns = InferenceSession.create("encoder", graph(),
            new RuntimeOptions(2, true), false);
         InferenceSession oneThread = InferenceSession.create("decoder", graph(),
            new RuntimeOptions(1, true), true)) {
      longRuns.run(input());
      oneThread.run(input());
      assertFalse(longRuns.spinningTwinMade());
      assertFalse(oneThread.spinningTwinMade());
    }
  }

  @Test
  void aClosedSessionRefusesRuns() {
    InferenceSession s = InferenceSession.create("decoder", graph(), new RuntimeOptions(2, true),
        true);
    s.run(input());
    s.close();
    assertThrows(IllegalStateException.class, () -> s.run(input()));
  }

  private static double sum(float[] v, int from, int n) {
    double t = 0;
    for (int i = from; i < from + n; i++) {
      t += v[i];
    }
    return t;
  }
}
