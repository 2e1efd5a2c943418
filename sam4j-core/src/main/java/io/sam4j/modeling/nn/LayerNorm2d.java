package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import java.util.Arrays;

/**
 * SAM's {@code LayerNorm2d} over the channel axis of NCHW, in the reference's order of operations:
 * {@code u = mean(x)}, {@code s = mean((x-u)^2)}, {@code (x-u)/sqrt(s+eps)}, then scale and shift
 * ({@code prefix.weight}, {@code prefix.bias}).
 */
public final class LayerNorm2d {
  private LayerNorm2d() {}

  /** The norm of {@code x} [N, C, H, W]. */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x, float eps) {
    Tensor w = sd.get(prefix + ".weight");
    long c = w.numel();
    // the channel means as a 1x1 convolution with weights 1/C: ONNX Runtime's ReduceMean over a
    // strided axis is several times slower (1.5 ms against 0.2 ms per mean in the encoder neck)
    float[] inverse = new float[(int) c];
    Arrays.fill(inverse, 1f / c);
    Value avg = g.weight("channel_mean." + c, inverse, 1, c, 1, 1);
    Value u = g.op("Conv", x, avg);
    Value d = g.op("Sub", x, u);
    Value s = g.op("Conv", g.op("Mul", d, d), avg);
    Value n = g.op("Div", d, g.op("Sqrt", g.op("Add", s, g.scalar(eps))));
    Value scale = g.weight(prefix + ".weight", w.toFloatArray(), c, 1, 1);
    Value shift = g.weight(prefix + ".bias", sd.get(prefix + ".bias").toFloatArray(), c, 1, 1);
    return g.op("Add", g.op("Mul", scale, n), shift);
  }
}
