package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.MultiheadAttention;
import io.sam4j.modeling.sam3.Sam3Spec;

/**
 * The DETR-style decoder, {@code decoder.TransformerDecoder} at inference (no DAC duplication),
 * with box refinement, the "log" box relative-position bias and the presence token. Queries start
 * from {@code query_embed} with boxes {@code sigmoid(reference_points)}; per layer the presence
 * token is prepended, {@code query_pos = ref_point_head(sine(box))} (zero for the presence token),
 * then {@code norm2(x + self_attn)}, {@code catext_norm(x + ca_text(prompt))} under the prompt's
 * padding mask, {@code norm1(x + cross_attn(memory + pos, memory))} with the bias
 * ({@link BoxRelativePositionBias}; zero row for the presence token), {@code norm3(x + ffn)};
 * then the boxes are refined: {@code sigmoid(inverse_sigmoid(box) + bbox_embed(norm(x)))}.
 * Outputs: the last layer's {@code norm(x)} ({@code queries}), its refined boxes
 * ({@code pred_boxes}, cxcywh) and {@code presence_logit_dec =
 * presence_token_head(presence_token_out_norm(presence))}, not clamped (the reference's clamp is
 * not assigned). Keys {@code transformer.decoder.*}.
 */
public final class TransformerDecoder {
  private static final String P = "transformer.decoder";
  private static final float EPS = 1e-5f;
  private final Layers nn;
  private final Sam3Spec.Decoder spec;
  private final int side;

  /** The decoder's results, batch first. */
  public record Output(Value queries, Value boxes, Value presenceLogit) {}

  /** @param side the memory's grid side (H = W) */
  public TransformerDecoder(Layers nn, Sam3Spec.Decoder spec, int side) {
    this.nn = nn;
    this.spec = spec;
    this.side = side;
  }

  /**
   * @param memory [1, HW, d] the fusion encoder's output
   * @param memoryPos [1, HW, d] its position encoding
   * @param prompt [1, L, d]
   * @param promptMask additive [1, 1, 1, L]
   */
  public Output build(Value memory, Value memoryPos, Value prompt, Value promptMask) {
    GraphBuilder g = nn.g;
    int d = spec.dModel();
    int q = spec.numQueries();
    int heads = spec.nHeads();
    Value tgt = nn.reshape(nn.weight(P + ".query_embed.weight"), 1, q, d);
    Value box = g.op("Sigmoid", nn.reshape(nn.weight(P + ".reference_points.weight"), 1, q, 4));
    Value presence = nn.reshape(nn.weight(P + ".presence_token.weight"), 1, 1, d);
    Value zeroPos = g.weight(P + ".presence_pos.zero", new float[d], 1, 1, d);
    Value zeroBias = g.weight(P + ".presence_bias.zero", new float[heads * side * side], 1, heads,
        1, (long) side * side);
    Value keys = nn.add(memory, memoryPos);
    Value hs = null;
    for (int i = 0; i < spec.numLayers(); i++) {
      String l = P + ".layers." + i;
      Value queryPos = Mlp.build(nn, P + ".ref_point_head",
          QuerySine.encode(nn, box, d / 2), false);
      Value bias = g.node("Concat", zeroBias,
          BoxRelativePositionBias.build(nn, box, side, side, heads)).attr("axis", 2L).out();
      Value x = g.node("Concat", presence, tgt).attr("axis", 1L).out();
      Value pos = g.node("Concat", zeroPos, queryPos).attr("axis", 1L).out();
      Value qk = nn.add(x, pos);
      x = nn.layerNorm(l + ".norm2", nn.add(x,
          MultiheadAttention.build(nn, l + ".self_attn", qk, qk, x, heads, null)), EPS);
      x = nn.layerNorm(l + ".catext_norm", nn.add(x, MultiheadAttention.build(nn, l + ".ca_text",
          nn.add(x, pos), prompt, prompt, heads, promptMask)), EPS);
      x = nn.layerNorm(l + ".norm1", nn.add(x, MultiheadAttention.build(nn, l + ".cross_attn",
          nn.add(x, pos), keys, memory, heads, bias)), EPS);
      Value ffn = nn.linear(l + ".linear2", nn.relu(nn.linear(l + ".linear1", x)));
      x = nn.layerNorm(l + ".norm3", nn.add(x, ffn), EPS);
      presence = nn.slice(x, 1, 0, 1);
      tgt = nn.slice(x, 1, 1, 1L + q);
      hs = nn.layerNorm(P + ".norm", tgt, EPS);
      Value delta = Mlp.build(nn, P + ".bbox_embed", hs, false);
      box = g.op("Sigmoid", nn.add(Boxes.inverseSigmoid(nn, box), delta));
    }
    Value presenceLogit = Mlp.build(nn, P + ".presence_token_head",
        nn.layerNorm(P + ".presence_token_out_norm", presence, EPS), false);
    return new Output(hs, box, nn.reshape(presenceLogit, 1, 1));
  }
}
