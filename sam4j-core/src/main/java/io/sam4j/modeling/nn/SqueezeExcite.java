package io.sam4j.modeling.nn;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * timm's {@code SEModule} (alias {@code SqueezeExcite}) as RepViT uses it: the spatial mean, a 1x1
 * convolution with bias ({@code prefix.fc1}), ReLU, a 1x1 convolution with bias ({@code prefix.fc2}),
 * a sigmoid, and the product with the input (NCHW in and out). The sigmoid is spelled
 * {@code 1 / (1 + exp(-x))}: ONNX Runtime's {@code Sigmoid} kernel errs by up to 1.6e-7 absolute,
 * a large relative error for small gates (1e-4 near 1e-3, worse in the far tail); the spelled-out
 * form stays within 2e-7 relative.
 */
public final class SqueezeExcite {
  private SqueezeExcite() {}

  /** Whether the checkpoint has an SE module at {@code prefix}. */
  public static boolean present(StateDict sd, String prefix) {
    return sd.has(prefix + ".fc1.weight");
  }

  /** The module of {@code prefix} applied to {@code x}. */
  public static Value build(GraphBuilder g, StateDict sd, String prefix, Value x) {
    // the mean of each row, then of those: one running sum over H x W values (GlobalAveragePool)
    // drifts by 1e-5 relative at 256 x 256, which the gate amplifies; PyTorch sums in cascade
    Value s = g.node("ReduceMean", x).attrInts("axes", 3L).attr("keepdims", 1L).out();
    s = g.node("ReduceMean", s).attrInts("axes", 2L).attr("keepdims", 1L).out();
    s = g.op("Relu", Conv2d.build(g, sd, prefix + ".fc1", s, 1, 0, 1));
    s = Conv2d.build(g, sd, prefix + ".fc2", s, 1, 0, 1);
    s = g.op("Div", g.scalar(1f), g.op("Add", g.scalar(1f), g.op("Exp", g.op("Neg", s))));
    return g.op("Mul", x, s);
  }
}
