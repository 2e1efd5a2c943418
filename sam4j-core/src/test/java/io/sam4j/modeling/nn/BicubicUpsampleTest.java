package io.sam4j.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bicubic x2 graph equals PyTorch's bicubic, borders included. */
class BicubicUpsampleTest {
  @Test
  void resizeEqualsPytorchBicubicAtEveryPixel() {
    int c = 3;
    int h = 7;
    int w = 5;
    float[] x = new float[c * h * w];
    Random r = new Random(11);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 10);
    }
    GraphBuilder g = new GraphBuilder("bicubic");
    Value in = g.input("x", ElemType.FLOAT, 1, c, h, w);
    g.output("y", BicubicUpsample.build(g, in, 2));
    float[] got;
    try (InferenceSession s = InferenceSession.create("bicubic", g.build(),
        RuntimeOptions.defaults())) {
      got = s.run(Map.of("x", new FloatTensor(x, new long[] {1, c, h, w}))).get("y").data();
    }
    float[] want = BicubicUpsample.reference(x, c, h, w, 2);
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]));
    }
    System.out.println("bicubic x2: largest difference " + worst);
    assertTrue(worst < 1e-5, "largest difference " + worst);
  }
}
