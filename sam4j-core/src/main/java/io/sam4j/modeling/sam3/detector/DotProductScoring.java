package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;

/**
 * {@code model_misc.DotProductScoring}: the prompt through {@code prompt_mlp} (residual, then
 * {@code out_norm}), mean-pooled over its valid tokens, {@code prompt_proj}; the queries through
 * {@code hs_proj}; logits {@code hs . prompt / sqrt(d_proj)}, clamped to {@code +-clamp_max_val}
 * (12). These are {@code pred_logits}: before the sigmoid, without the presence score. Keys
 * {@code dot_prod_scoring.*}.
 */
public final class DotProductScoring {
  private static final String P = "dot_prod_scoring";
  private final Layers nn;
  private final Sam3Spec.Scoring spec;

  public DotProductScoring(Layers nn, Sam3Spec.Scoring spec) {
    this.nn = nn;
    this.spec = spec;
  }

  /**
   * @param hs [1, Q, d] the decoder's last normalised queries
   * @param prompt [1, L, d]
   * @param valid [1, L, 1] 1 for a prompt token, 0 for padding
   * @return [1, Q, 1]
   */
  public Value build(Value hs, Value prompt, Value valid) {
    GraphBuilder g = nn.g;
    Value p = Mlp.build(nn, P + ".prompt_mlp", prompt, true);
    Value sum = g.node("ReduceSum", nn.mul(p, valid), g.ints(1)).attr("keepdims", 1L).out();
    Value count = g.op("Max", g.node("ReduceSum", valid, g.ints(1)).attr("keepdims", 1L).out(),
        g.scalar(1f));
    Value pooled = nn.linear(P + ".prompt_proj", g.op("Div", sum, count)); // [1, 1, dp]
    Value proj = nn.linear(P + ".hs_proj", hs); // [1, Q, dp]
    Value scores = nn.matmul(proj, nn.transpose(pooled, 0, 2, 1)); // [1, Q, 1]
    scores = nn.mul(scores, g.scalar((float) (1.0 / Math.sqrt(spec.dProj()))));
    float c = (float) spec.clampMaxVal();
    return g.op("Clip", scores, g.scalar(-c), g.scalar(c));
  }
}
