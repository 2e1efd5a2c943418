package io.sam4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
  private static OnnxModel affine(long inlineLimit) {
    GraphBuilder g = new GraphBuilder("affine");
    Value x = g.input("x", ElemType.FLOAT, "n", 2);
    Value w;
    try (GraphBuilder.Scope s = g.scope("layer")) {
      w = g.weight("layer.weight", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
          13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
          25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
          37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
          49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
          61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
          73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84,
          85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96,
          97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108,
          109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120,
          121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132,
          133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144,
          145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156,
          157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168,
          169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180,
          181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192,
          193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204,
          205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216,
          217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228,
          229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240,
          241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252,
          253, 254, 255, 256}, 2, 128);
      Value y = g.op("MatMul", x, w);
      Value r = g.node("ReduceSum", y, g.ints(1)).attr("keepdims", 0L).out();
      g.output("y", g.op("Add", r, g.scalar(0.5f)));
    }
    return g.build(inlineLimit);
  }

  private static float[] run(OnnxModel m) {
    try (InferenceSession s = InferenceSession.create("affine", m, RuntimeOptions.defaults())) {
      Map<String, FloatTensor> out =
          s.run(Map.of("x", new FloatTensor(new float[] {1, 0, 0, 1, 1, 1}, new long[] {3, 2})));
      return out.get("y").data();
    }
  }

  @Test
  void runsInlineWeights() {
    OnnxModel m = affine(GraphBuilder.DEFAULT_INLINE_LIMIT);
    assertEquals(0, m.external().size());
    // row sums of W: first row 1..128 = 8256, second 129..256 = 24640
    assertArrayEquals(new float[] {8256.5f, 24640.5f, 32896.5f}, run(m));
  }

  @Test
  void runsExternalWeights() {
    OnnxModel m = affine(0);
    assertEquals(1, m.external().size());
    assertArrayEquals(new float[] {8256.5f, 24640.5f, 32896.5f}, run(m));
  }

  /**
   * A node's value output under a new name is renamed (an Identity would copy it on every run),
   * also where another node reads it; an input output again and a value output twice go through
   * an Identity.
   */
  @Test
  void outputsRenameNodeValuesAndCopyTheRest() {
    GraphBuilder g = new GraphBuilder("outputs");
    Value x = g.input("x", ElemType.FLOAT, 2);
    Value doubled = g.op("Add", x, x);
    Value plusOne = g.op("Add", doubled, g.scalar(1f));
    g.output("doubled", doubled);
    g.output("doubled_again", doubled);
    g.output("plus_one", plusOne);
    g.output("x_again", x);
    OnnxModel m = g.build();
    String proto = java.nio.charset.StandardCharsets.ISO_8859_1.decode(m.proto().duplicate())
        .toString();
    // two Identity nodes (doubled_again, x_again), each with the op type and a ".../Identity" name
    assertEquals(4, proto.split("Identity", -1).length - 1);
    try (InferenceSession s = InferenceSession.create("outputs", m, RuntimeOptions.defaults())) {
      Map<String, FloatTensor> out =
          s.run(Map.of("x", new FloatTensor(new float[] {1, 2}, new long[] {2})));
      assertArrayEquals(new float[] {2, 4}, out.get("doubled").data());
      assertArrayEquals(new float[] {2, 4}, out.get("doubled_again").data());
      assertArrayEquals(new float[] {3, 5}, out.get("plus_one").data());
      assertArrayEquals(new float[] {1, 2}, out.get("x_again").data());
    }
  }
}
