package io.sam4j.modeling.efficienttam;

import io.sam4j.modeling.sam2.PositionEmbeddingSine;
import io.sam4j.modeling.sam2.config.PositionEmbeddingSineSpec;
import io.sam4j.SamException;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import java.util.Map;

/**
 * EfficientTAM's {@code backbones/image_encoder.ViTDetNeck} with {@code neck_norm: LN} and one
 * backbone level: {@code convs.0} = 1x1 convolution (no bias), {@code LayerNorm2d}, 3x3
 * convolution (no bias, padding 1), {@code LayerNorm2d}; and its {@code PositionEmbeddingSine}
 * of the output grid. Keys under {@code image_encoder.neck.}.
 */
final class VitDetNeck {
  static final String P = "image_encoder.neck";
  private final Layers nn;
  private final EfficientTamEncoderSpec spec;

  VitDetNeck(Layers nn, EfficientTamEncoderSpec spec) {
    this.nn = nn;
    this.spec = spec;
  }

  /**
   * Adds the neck.
   *
   * @param trunk the trunk's output [1, embed_dim, H, W]
   * @param taps receives the features under {@value #P}
   * @return the features [1, C, H, W]
   */
  Value build(Value trunk, Map<String, Value> taps) {
    String c = P + ".convs.0";
    if (!nn.sd.has(c + ".norm_0.weight")) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the EfficientTAM neck has no "
          + c + ".norm_0 (only neck_norm: LN is supported)");
    }
    if (nn.sd.has(P + ".convs.1.conv_1x1.weight")) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the EfficientTAM neck has more"
          + " than one level (" + P + ".convs.1); the ViT trunk gives one");
    }
    Value x;
    try (GraphBuilder.Scope s = nn.g.scope(P)) {
      x = nn.conv2d(c + ".conv_1x1", trunk, 1, 0, 1);
      x = nn.layerNorm2d(c + ".norm_0", x, 1e-6f);
      x = nn.conv2d(c + ".conv_3x3", x, 1, 1, 1);
      x = nn.layerNorm2d(c + ".norm_1", x, 1e-6f);
    }
    taps.put(P, x);
    return x;
  }

  /** The neck's {@code position_encoding} of its output grid, [numPosFeats, H, W]. */
  static float[] positionEncoding(EfficientTamEncoderSpec spec) {
    return PositionEmbeddingSine.encode(new PositionEmbeddingSineSpec(spec.numPosFeats(),
        spec.temperature(), true, 2 * Math.PI), spec.gridSize(), spec.gridSize());
  }
}
