package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * M MLPs of one shape (the mask decoder's {@code output_hypernetworks_mlps}), the i-th applied to
 * token i of [B, M, C]: each layer is one batched product with the M weight matrices stacked,
 * [B, M, 1, in] x [M, in, out], instead of M chains of small nodes (the decoder's per-node cost
 * on ONNX Runtime is a few microseconds, more than these products take). ReLU between layers, none
 * after the last, as the reference's {@code MLP}. Keys {@code <prefix>.<i>.layers.<l>.weight/bias}.
 */
public final class StackedMlps {
  private StackedMlps() {}

  /**
   * @param prefix e.g. {@code mask_decoder.output_hypernetworks_mlps}
   * @param x the tokens [B, M, C]
   * @param count M
   * @param layers layers per MLP
   * @return [B, M, out]
   */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x, int count,
      int layers) {
    Value h = g.op("Unsqueeze", x, g.ints(2));
    for (int l = 0; l < layers; l++) {
      Tensor first = sd.get(prefix + ".0.layers." + l + ".weight");
      int out = first.dim(0);
      int in = first.dim(1);
      float[] w = new float[count * in * out];
      float[] b = new float[count * out];
      for (int m = 0; m < count; m++) {
        String k = prefix + "." + m + ".layers." + l;
        float[] wm = sd.get(k + ".weight", out, in).toFloatArray();
        for (int o = 0; o < out; o++) {
          for (int i = 0; i < in; i++) {
            w[(m * in + i) * out + o] = wm[o * in + i];
          }
        }
        System.arraycopy(sd.get(k + ".bias", out).toFloatArray(), 0, b, m * out, out);
      }
      h = g.op("Add", g.op("MatMul", h, g.weight(prefix + ".layers." + l + ".weight.stacked", w,
          count, in, out)), g.weight(prefix + ".layers." + l + ".bias.stacked", b, count, 1, out));
      if (l < layers - 1) {
        h = g.op("Relu", h);
      }
    }
    return g.op("Squeeze", h, g.ints(2));
  }
}
