package io.sam4j.modeling.edgesam;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.ImageEncoder;
import io.sam4j.modeling.nn.BicubicUpsample;
import io.sam4j.modeling.nn.Conv2d;
import io.sam4j.modeling.nn.Conv2dBn;
import io.sam4j.modeling.nn.Gelu;
import io.sam4j.modeling.nn.RepVggDw;
import io.sam4j.modeling.nn.RepVitMlp;
import io.sam4j.modeling.nn.SamNeck;
import io.sam4j.modeling.nn.SqueezeExcite;
import java.util.List;
import java.util.Map;

/**
 * EdgeSAM's {@code RepViT} image encoder ({@code edge_sam/modeling/rep_vit.py}) on the image
 * [1, 3, S, S]: stem ({@code features.0}), RepViT blocks ({@code features.1..N}), the fusion of
 * stages 2 and 3 and SAM's neck, giving [1, C, S/16, S/16]. Batch norms are folded into their
 * convolutions and each {@code RepVGGDW} into one depthwise convolution (the reference's
 * {@code fuse()}); GELU is exact everywhere (the reference ignores its HS column). Keys live under
 * {@code image_encoder.}. Has no linear layers, so the int8 precision leaves it in float32.
 */
public final class RepViT implements ImageEncoder {
  private static final String P = "image_encoder";
  private final StateDict sd;
  private final RepVitSpec spec;

  public RepViT(StateDict sd, RepVitSpec spec) {
    this.sd = sd;
    this.spec = spec;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public Value build(GraphBuilder g, Value image, Map<String, Value> taps) {
    Value x;
    String stem = P + ".features.0";
    try (GraphBuilder.Scope s = g.scope(stem)) {
      x = Gelu.build(g, Conv2dBn.build(g, sd, stem + ".0", image, 2, 1, 1));
      x = Conv2dBn.build(g, sd, stem + ".2", x, 2, 1, 1);
    }
    taps.put(stem, x);
    List<Integer> ends = spec.stageEnds();
    Value[] stages = new Value[ends.size()];
    for (int i = 0; i < spec.blocks().size(); i++) {
      String f = P + ".features." + (i + 1);
      try (GraphBuilder.Scope s = g.scope(f)) {
        x = block(g, f, spec.blocks().get(i), x);
      }
      taps.put(f, x);
      int stage = ends.indexOf(i);
      if (stage >= 0) {
        stages[stage] = x;
      }
    }
    if (spec.fuse()) {
      if (stages.length < 4) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the RepViT encoder has "
            + stages.length + " stages; fusing stages 2 and 3 needs at least 4");
      }
      Value s2;
      Value s3;
      try (GraphBuilder.Scope s = g.scope(P + ".fuse_stage2")) {
        s2 = Conv2d.build(g, sd, P + ".fuse_stage2", stages[2], 1, 0, 1);
      }
      taps.put(P + ".fuse_stage2", s2);
      try (GraphBuilder.Scope s = g.scope(P + ".fuse_stage3")) {
        int side = spec.sideAfter(spec.stageEnds().get(3));
        s3 = upsample(g, Conv2d.build(g, sd, P + ".fuse_stage3.op_list.0", stages[3], 1, 0, 1),
            side);
      }
      taps.put(P + ".fuse_stage3", s3);
      x = g.op("Add", s2, s3);
    }
    try (GraphBuilder.Scope s = g.scope(P + ".neck")) {
      x = SamNeck.build(g, sd, P + ".neck", x);
    }
    taps.put(P + ".neck", x);
    return x;
  }

  /**
   * {@code RepViTBlock}: token mixer (RepVGGDW, or for stride 2 a depthwise {@code Conv2d_BN} and
   * a 1x1 one to the new width), optional SE between them, then the residual channel mixer.
   */
  private Value block(GraphBuilder g, String f, RepVitSpec.Block b, Value x) {
    String t = f + ".token_mixer";
    if (b.stride() == 1 && sd.has(t + ".0.conv.c.weight")) {
      x = RepVggDw.build(g, sd, t + ".0", x);
      if (b.se()) {
        x = SqueezeExcite.build(g, sd, t + ".1", x);
      }
    } else {
      int groups = sd.get(t + ".0.c.weight").dim(0);
      x = Conv2dBn.build(g, sd, t + ".0", x, b.stride(), b.kernel() / 2, groups);
      if (b.se()) {
        x = SqueezeExcite.build(g, sd, t + ".1", x);
      }
      x = Conv2dBn.build(g, sd, t + ".2", x, 1, 0, 1);
    }
    return RepVitMlp.residual(g, sd, x, f + ".channel_mixer.m.0", f + ".channel_mixer.m.2");
  }

  /** {@code UpSampleLayer(factor=2, mode=upsample_mode)}, align_corners false. */
  private Value upsample(GraphBuilder g, Value x, int side) {
    if (spec.upsampleMode().equals("bicubic")) {
      return BicubicUpsample.build(g, x, side, side, 2);
    }
    Value scales = g.floats(new float[] {1f, 1f, 2f, 2f}, 4);
    return g.node("Resize", x, null, scales).attr("mode", "linear")
        .attr("coordinate_transformation_mode", "half_pixel").out();
  }
}
