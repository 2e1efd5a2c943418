package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.nn.MultiheadAttention;
import io.sam4j.modeling.sam3.Sam3Spec;
import java.util.List;

/**
 * The segmentation head, {@code maskformer_segmentation.UniversalSegmentationHead} with its
 * {@code PixelDecoder}: the encoder's memory first cross-attends to the prompt
 * ({@code memory + cross_attend_prompt(cross_attn_norm(memory), prompt)}), replaces the coarsest
 * FPN level, and the pixel decoder climbs the finer levels (nearest 2x upsampling + the level,
 * 3x3 conv, GroupNorm(8), ReLU); {@code instance_seg_head} (1x1 conv) gives per-pixel embeddings,
 * and each query's mask is {@code mask_embed(query) . embedding} ({@code pred_masks}
 * [1, Q, 4G, 4G] logits); {@code semantic_seg_head} gives {@code semantic_seg} [1, 1, 4G, 4G].
 * Keys {@code segmentation_head.*}.
 */
public final class UniversalSegmentationHead {
  private static final String P = "segmentation_head";
  private final Layers nn;
  private final Sam3Spec.SegHead spec;

  /** Instance masks and the semantic map. */
  public record Output(Value predMasks, Value semanticSeg) {}

  public UniversalSegmentationHead(Layers nn, Sam3Spec.SegHead spec) {
    this.nn = nn;
    this.spec = spec;
  }

  /**
   * @param levels the FPN levels, finest first, [1, d, h, w] each (each twice the next)
   * @param memory [1, HW, d] the fusion encoder's output (HW the coarsest level's)
   * @param prompt [1, L, d]
   * @param promptMask additive [1, 1, 1, L]
   * @param queries [1, Q, d]
   */
  public Output build(List<Value> levels, Value memory, Value prompt, Value promptMask,
      Value queries) {
    GraphBuilder g = nn.g;
    int d = spec.hiddenDim();
    Value t = nn.layerNorm(P + ".cross_attn_norm", memory, 1e-5f);
    Value enc = nn.add(memory, MultiheadAttention.build(nn, P + ".cross_attend_prompt", t, prompt,
        prompt, spec.crossAttendPromptHeads(), promptMask));
    Value x = nn.reshape(nn.transpose(enc, 0, 2, 1), 0, 0, -1); // [1, d, HW]
    Value coarsest = levels.get(levels.size() - 1);
    x = g.op("Reshape", x, g.op("Shape", coarsest));
    for (int i = levels.size() - 2, stage = 0; i >= 0; i--, stage++) {
      x = nn.add(levels.get(i), upsample2x(x));
      x = nn.conv2d(P + ".pixel_decoder.conv_layers." + stage, x, 1, 1, 1);
      x = nn.relu(groupNorm(P + ".pixel_decoder.norms." + stage, x, 8, d));
    }
    Value inst = nn.conv2d(P + ".instance_seg_head", x, 1, 0, 1); // [1, d, h, w]
    Value emb = Mlp.build(nn, P + ".mask_predictor.mask_embed", queries, false); // [1, Q, d]
    Value flat = nn.reshape(inst, 0, d, -1); // [1, d, hw]
    Value masks = nn.matmul(emb, flat); // [1, Q, hw]
    Value shape = g.node("Concat", g.ints(1, -1), g.node("Slice", g.op("Shape", inst),
        g.ints(2), g.ints(4), g.ints(0)).out()).attr("axis", 0L).out();
    Value predMasks = g.op("Reshape", masks, shape);
    Value semantic = nn.conv2d(P + ".semantic_seg_head", x, 1, 0, 1);
    return new Output(predMasks, semantic);
  }

  /** {@code F.interpolate(x, scale 2, mode="nearest")} of [1, C, h, w]. */
  private Value upsample2x(Value x) {
    GraphBuilder g = nn.g;
    Value u = g.op("Unsqueeze", x, g.ints(3, 5)); // [1, C, h, 1, w, 1]
    Value shape = g.op("Shape", u);
    Value two = g.op("Mul", shape, g.ints(1, 1, 1, 2, 1, 2));
    Value e = g.op("Expand", u, two);
    Value out = g.node("Concat", g.node("Slice", shape, g.ints(0), g.ints(2), g.ints(0)).out(),
        g.op("Mul", g.node("Slice", shape, g.ints(2), g.ints(3), g.ints(0)).out(), g.ints(2)),
        g.op("Mul", g.node("Slice", shape, g.ints(4), g.ints(5), g.ints(0)).out(), g.ints(2)))
        .attr("axis", 0L).out();
    return g.op("Reshape", e, out);
  }

  /** {@code nn.GroupNorm(groups, C)} (eps 1e-5) as InstanceNormalization over grouped channels. */
  private Value groupNorm(String prefix, Value x, int groups, int c) {
    GraphBuilder g = nn.g;
    Value grouped = nn.reshape(x, 0, groups, -1);
    Value ones = g.weight("group_norm.ones." + groups, filled(groups, 1f), groups);
    Value zeros = g.weight("group_norm.zeros." + groups, new float[groups], groups);
    Value normed = g.node("InstanceNormalization", grouped, ones, zeros).attr("epsilon", 1e-5f)
        .out();
    normed = g.op("Reshape", normed, g.op("Shape", x));
    Value w = nn.reshape(nn.weight(prefix + ".weight"), c, 1, 1);
    Value b = nn.reshape(nn.weight(prefix + ".bias"), c, 1, 1);
    return nn.add(nn.mul(normed, w), b);
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
