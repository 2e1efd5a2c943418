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

/** The bicubic x2 graphs equal PyTorch's bicubic, borders included. */
class BicubicUpsampleTest {
  private static final int C = 3;
  private static final int H = 7;
  private static final int W = 5;

  private static float[] input() {
    float[] x = new float[C * H * W];
    Random r = new Random(11);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 10);
    }
    return x;
  }

  private static double worst(boolean matrices) {
    float[] x = input();
    GraphBuilder g = new GraphBuilder("bicubic");
    Value in = g.input("x", ElemType.FLOAT, 1, C, H, W);
    g.output("y", matrices ? BicubicUpsample.build(g, in, H, W, 2)
        : BicubicUpsample.resize(g, in, 2));
    float[] got;
    try (InferenceSession s = InferenceSession.create("bicubic", g.build(),
        RuntimeOptions.defaults())) {
      got = s.run(Map.of("x", new FloatTensor(x, new long[] {1, C, H, W}))).get("y").data();
    }
    float[] want = BicubicUpsample.reference(x, C, H, W, 2);
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]));
    }
    return worst;
  }

  @Test
  void matrixProductsEqualPytorchBicubicAtEveryPixel() {
    double worst = worst(true);
    System.out.println("bicubic x2 as matrix products: largest difference " + worst);
    // values up to about 40: a few float roundings
    assertTrue(worst < 2e-5, "largest difference " + worst);
  }

  @Test
  void onnxCubicResizeEqualsPytorchBicubicExactly() {
    double worst = worst(false);
    System.out.println("bicubic x2 as Resize: largest difference " + worst);
    assertTrue(worst == 0, "largest difference " + worst);
  }
}
