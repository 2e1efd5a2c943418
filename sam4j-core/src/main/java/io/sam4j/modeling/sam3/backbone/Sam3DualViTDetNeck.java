package io.sam4j.modeling.sam3.backbone;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.PositionEmbeddingSine;
import io.sam4j.modeling.sam2.config.PositionEmbeddingSineSpec;
import io.sam4j.modeling.sam3.Sam3Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The detector's neck, {@code necks.Sam3DualViTDetNeck} (a ViTDet simple FPN) over the trunk's
 * [1, C, G, G]: per scale factor, x4 = ConvT 2x2 (C to C/2), GELU, ConvT 2x2 (C/2 to C/4); x2 =
 * ConvT 2x2 (C to C/2); x1 = identity; x0.5 = max-pool 2x2; each then {@code conv_1x1} to d_model
 * and {@code conv_3x3} (padding 1, no activation between). The VL backbone's {@code scalp} drops
 * the last levels, so {@code convs.3} (x0.5) is never built for the official model. The tracker's
 * {@code sam2_convs} are not part of the image model. Keys {@code backbone.vision_backbone.convs.N}.
 */
public final class Sam3DualViTDetNeck {
  private final Layers nn;
  private final Sam3Spec.Neck spec;
  private final String p;

  /** @param prefix the neck's convolutions ({@code backbone.vision_backbone.convs}) */
  public Sam3DualViTDetNeck(Layers nn, Sam3Spec.Neck spec, String prefix) {
    this.nn = nn;
    this.spec = spec;
    this.p = prefix;
  }

  /**
   * The detector's levels, finest first: [1, d_model, 4G, 4G], [1, d_model, 2G, 2G],
   * [1, d_model, G, G] for the official factors and scalp.
   */
  public List<Value> build(Value trunk) {
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < spec.levels(); i++) {
      String c = p + "." + i;
      double f = spec.scaleFactors().get(i);
      Value x = trunk;
      if (f == 4.0) {
        x = nn.convTranspose2d(c + ".dconv_2x2_1",
            nn.gelu(nn.convTranspose2d(c + ".dconv_2x2_0", x, 2)), 2);
      } else if (f == 2.0) {
        x = nn.convTranspose2d(c + ".dconv_2x2", x, 2);
      } else if (f == 0.5) {
        x = nn.g.node("MaxPool", x).attrInts("kernel_shape", 2L, 2L).attrInts("strides", 2L, 2L)
            .out();
      }
      x = nn.conv2d(c + ".conv_3x3", nn.conv2d(c + ".conv_1x1", x, 1, 0, 1), 1, 1, 1);
      out.add(x);
    }
    return out;
  }

  /**
   * The sine position encoding of each level ({@code PositionEmbeddingSine}, normalised, scale
   * 2 pi), constant [d_model, h, w] row-major, same order as {@link #build}.
   *
   * @param grid the trunk's token grid side
   */
  public static List<float[]> positionEncodings(Sam3Spec.Neck spec, int grid) {
    PositionEmbeddingSineSpec pe = new PositionEmbeddingSineSpec(spec.numPosFeats(),
        spec.temperature(), true, 2 * Math.PI);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < spec.levels(); i++) {
      int side = levelSide(spec, grid, i);
      out.add(PositionEmbeddingSine.encode(pe, side, side));
    }
    return out;
  }

  /** Side of level {@code i}. */
  public static int levelSide(Sam3Spec.Neck spec, int grid, int i) {
    double f = spec.scaleFactors().get(i);
    return f == 0.5 ? grid / 2 : (int) (grid * f);
  }
}
