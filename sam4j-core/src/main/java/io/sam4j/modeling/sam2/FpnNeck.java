package io.sam4j.modeling.sam2;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.config.FpnNeckSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * SAM 2's {@code FpnNeck}: {@code convs[n - i]} maps trunk level i (0 = finest) to
 * {@code d_model}; from the coarsest level down, levels in {@code fpn_top_down_levels} add the
 * coarser output upsampled 2x (nearest, or bilinear without antialiasing), summed or averaged.
 * Each output level has a {@link PositionEmbeddingSine} (a constant). Keys under
 * {@code image_encoder.neck.}.
 */
public final class FpnNeck {
  private static final String P = "image_encoder.neck";
  private final FpnNeckSpec spec;

  /** The neck's outputs, finest first: features [1, C, h_i, w_i] and their encodings. */
  public record Output(List<Value> features, List<Value> pos) {}

  public FpnNeck(FpnNeckSpec spec) {
    this.spec = spec;
  }

  /**
   * @param xs the trunk's feature maps, finest first (strides 4, 8, 16, 32 of {@code imageSize})
   * @param taps receives {@code image_encoder.neck.features.i} and {@code .pos.i}
   */
  public Output build(Layers nn, List<Value> xs, int imageSize, Map<String, Value> taps) {
    GraphBuilder g = nn.g;
    int levels = spec.backboneChannelList().size();
    if (xs.size() != levels) {
      throw new IllegalArgumentException("the FPN neck takes " + levels + " levels, the trunk gave "
          + xs.size());
    }
    Value[] out = new Value[levels];
    Value[] pos = new Value[levels];
    Value prev = null;
    int n = levels - 1;
    for (int i = n; i >= 0; i--) {
      String conv = P + ".convs." + (n - i) + ".conv";
      int side = imageSize / (4 << i);
      try (GraphBuilder.Scope s = g.scope(P + ".level" + i)) {
        Value lateral = nn.conv2d(conv, xs.get(i), spec.stride(), spec.padding(), 1);
        if (spec.fpnTopDownLevels().contains(i) && prev != null) {
          Value top = upsample2x(nn, prev, side);
          prev = nn.add(lateral, top);
          if (spec.fuseType().equals("avg")) {
            prev = g.op("Div", prev, g.scalar(2f));
          }
        } else {
          prev = lateral;
        }
      }
      out[i] = prev;
      pos[i] = g.weight(P + ".pos." + i, PositionEmbeddingSine.encode(spec.positionEncoding(),
          side, side), 1, spec.positionEncoding().numPosFeats(), side, side);
      taps.put(P + ".features." + i, out[i]);
      taps.put(P + ".pos." + i, pos[i]);
    }
    return new Output(new ArrayList<>(Arrays.asList(out)), new ArrayList<>(Arrays.asList(pos)));
  }

  /** {@code F.interpolate(x, scale_factor=2.0, mode=fpn_interp_model)} to side x side. */
  private Value upsample2x(Layers nn, Value x, int side) {
    GraphBuilder g = nn.g;
    long c = spec.dModel();
    if (spec.fpnInterpModel().equals("nearest")) {
      // output pixel y reads input floor(y / 2), as PyTorch's nearest; in this form (static
      // scales, asymmetric, floor) ONNX Runtime keeps its blocked convolution layout through it,
      // where Unsqueeze + Expand + Reshape cost 4 ms per 64 x 64 x 256 level
      return g.node("Resize", x, null, g.floats(new float[] {1, 1, 2, 2}, 4))
          .attr("mode", "nearest").attr("coordinate_transformation_mode", "asymmetric")
          .attr("nearest_mode", "floor").out();
    }
    if (!spec.fpnInterpModel().equals("bilinear")) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.UNSUPPORTED_MODEL,
          "fpn_interp_model '" + spec.fpnInterpModel() + "' is not supported (nearest, bilinear)");
    }
    return g.node("Resize", x, null, null, g.ints(1, c, side, side)).attr("mode", "linear")
        .attr("coordinate_transformation_mode", "half_pixel").out();
  }
}
