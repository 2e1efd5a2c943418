package io.sam4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blockwise quantizer's arithmetic, and its packing as ONNX Runtime's MatMulNBits reads it. */
class BlockQuantizerTest {
  @ParameterizedTest
  @CsvSource({"2, 16", "4, 32", "8, 16", "4, 64"})
  void matMulNBitsComputesTheDequantizedProduct(int bits, int block) {
    int in = 80; // not a multiple of 32 or 64: the last block is partial
    int out = 24;
    int rows = 5;
    Random r = new Random(bits * 100 + block);
    float[] w = gaussian(r, out * in, 1);
    float[] x = gaussian(r, rows * in, 1);
    BlockQuantizer.Quantized q = BlockQuantizer.minmax(w, out, in, bits, block);
    float[] dq = q.dequantize();
    GraphBuilder g = new GraphBuilder("nbits");
    Value xv = g.input("x", ElemType.FLOAT, rows, in);
    g.output("y", new NBitRewriter(Map.of("fc", q)).linear(g, "fc", xv, w, out, in, null));
    float[] y;
    try (InferenceSession s = InferenceSession.create("nbits", g.build(),
        new RuntimeOptions(1, true))) {
      y = s.run(Map.of("x", new FloatTensor(x, new long[] {rows, in}))).get("y").data();
    }
    float[] expected = new float[rows * out];
    for (int i = 0; i < rows; i++) {
      for (int o = 0; o < out; o++) {
        double sum = 0;
        for (int k = 0; k < in; k++) {
          sum += x[i * in + k] * dq[o * in + k];
        }
        expected[i * out + o] = (float) sum;
      }
    }
    assertArrayEquals(expected, y, 1e-3f, bits + " bits, block " + block);
  }

  @ParameterizedTest
  @CsvSource({"2", "4"})
  void calibrationLowersTheOutputErrorOnCorrelatedActivations(int bits) {
    int in = 128;
    int out = 32;
    int rows = 400;
    Random r = new Random(7);
    float[] w = gaussian(r, out * in, 1);
    for (int o = 0; o < out; o++) {
      w[o * in + r.nextInt(in)] *= 6; // an outlier per row, as trained weights have
    }
    float[] x = new float[rows * in];
    for (int i = 0; i < rows; i++) {
      double common = r.nextGaussian();
      for (int k = 0; k < in; k++) {
        x[i * in + k] = (float) (common * (k % 4 == 0 ? 3 : 0.3) + r.nextGaussian());
      }
    }
    float[] mm = BlockQuantizer.minmax(w, out, in, bits, 32).dequantize();
    float[] cal = BlockQuantizer.calibrated(w, out, in, bits, 32,
        BlockQuantizer.gram(x, rows, in)).dequantize();
    double eMm = BlockQuantizer.relativeOutputError(w, mm, out, in, x, rows);
    double eCal = BlockQuantizer.relativeOutputError(w, cal, out, in, x, rows);
    assertTrue(eCal < 0.9 * eMm, bits + " bits: calibrated " + eCal + ", min-max " + eMm);
  }

  private static float[] gaussian(Random r, int n, double sd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * sd);
    }
    return v;
  }
}
