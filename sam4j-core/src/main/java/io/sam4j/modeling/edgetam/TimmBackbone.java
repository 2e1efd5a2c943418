package io.sam4j.modeling.edgetam;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.nn.Conv2dBn;
import io.sam4j.modeling.nn.Gelu;
import io.sam4j.modeling.nn.RepVggDw;
import io.sam4j.modeling.nn.RepVitMlp;
import io.sam4j.modeling.nn.SqueezeExcite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EdgeTAM's trunk, {@code TimmBackbone} ({@code sam2/modeling/backbones/timm.py}): timm's
 * {@code RepVit} created with {@code features_only=True, out_indices=(0, 1, 2, 3)}, keys under
 * {@code image_encoder.trunk.body.} ({@code stem.conv1/conv2}, {@code stages_i.downsample},
 * {@code stages_i.blocks.j}). Stem: 3x3 stride-2 {@code ConvNorm}, GELU, 3x3 stride-2
 * {@code ConvNorm}. Stage 0 has no downsample; the others start with {@code RepVitDownsample}
 * (a {@code RepViTBlock} without SE, a depthwise stride-2 {@code ConvNorm}, a 1x1 {@code ConvNorm}
 * to the new width, a residual MLP). A {@code RepViTBlock} is {@code RepVggDw}, optional SE, then
 * the residual MLP. Every width comes from the tensor shapes and every depth from the keys; batch
 * norms are folded when building. Input [1, 3, S, S] (the image resized to S x S, ImageNet
 * mean/std); outputs the four stage features at strides 4, 8, 16, 32.
 */
public final class TimmBackbone {
  /** The key prefix of timm's feature network. */
  public static final String P = "image_encoder.trunk.body";
  private final StateDict sd;

  public TimmBackbone(StateDict sd) {
    this.sd = sd;
    if (!sd.has(P + ".stem.conv1.c.weight")) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the checkpoint has no '" + P
          + ".stem.conv1.c.weight': it is not EdgeTAM's RepViT trunk");
    }
    int stages = sd.countIndexed(P + ".stages_");
    if (stages != 4) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "EdgeTAM's RepViT trunk has"
          + " stages_0 to stages_3, this checkpoint " + stages + " stages");
    }
  }

  /** Whether a state dict holds this trunk. */
  public static boolean matches(StateDict sd) {
    return sd.has(P + ".stem.conv1.c.weight");
  }

  /** The output widths of the four stages, from the shapes, in stride order. */
  public List<Integer> channels() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String last = P + ".stages_" + i + ".blocks." + (blocks(i) - 1);
      out.add(sd.get(last + ".channel_mixer.conv2.c.weight").dim(0));
    }
    return out;
  }

  /**
   * Adds the trunk to {@code g}.
   *
   * @param image the normalized image [1, 3, S, S]
   * @param taps receives {@code image_encoder.trunk.body.stem} and {@code ...stages_0..3}
   * @return the stage outputs [1, C_i, S/4/2^i, S/4/2^i], i = 0..3
   */
  public List<Value> build(GraphBuilder g, Value image, Map<String, Value> taps) {
    Value x;
    String stem = P + ".stem";
    try (GraphBuilder.Scope s = g.scope(stem)) {
      x = Gelu.build(g, Conv2dBn.build(g, sd, stem + ".conv1", image, 2, 1, 1));
      x = Conv2dBn.build(g, sd, stem + ".conv2", x, 2, 1, 1);
    }
    taps.put(stem, x);
    List<Value> features = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String stage = P + ".stages_" + i;
      try (GraphBuilder.Scope s = g.scope(stage)) {
        if (sd.has(stage + ".downsample.spatial_downsample.c.weight")) {
          x = downsample(g, stage + ".downsample", x);
        }
        for (int b = 0; b < blocks(i); b++) {
          x = block(g, stage + ".blocks." + b, x);
        }
      }
      taps.put(stage, x);
      features.add(x);
    }
    return features;
  }

  private int blocks(int stage) {
    int n = sd.countIndexed(P + ".stages_" + stage + ".blocks.");
    if (n == 0) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, P + ".stages_" + stage
          + " has no blocks");
    }
    return n;
  }

  /** {@code RepViTBlock}: token mixer, SE when present, residual MLP. */
  private Value block(GraphBuilder g, String b, Value x) {
    x = RepVggDw.build(g, sd, b + ".token_mixer", x);
    if (SqueezeExcite.present(sd, b + ".se")) {
      x = SqueezeExcite.build(g, sd, b + ".se", x);
    }
    return RepVitMlp.residual(g, sd, x, b + ".channel_mixer.conv1", b + ".channel_mixer.conv2");
  }

  /** {@code RepVitDownsample}: pre-block, depthwise stride 2, 1x1 to the new width, residual MLP. */
  private Value downsample(GraphBuilder g, String d, Value x) {
    x = block(g, d + ".pre_block", x);
    int c = sd.get(d + ".spatial_downsample.c.weight").dim(0);
    int k = sd.get(d + ".spatial_downsample.c.weight").dim(2);
    x = Conv2dBn.build(g, sd, d + ".spatial_downsample", x, 2, k / 2, c);
    x = Conv2dBn.build(g, sd, d + ".channel_downsample", x, 1, 0, 1);
    return RepVitMlp.residual(g, sd, x, d + ".ffn.conv1", d + ".ffn.conv2");
  }
}
