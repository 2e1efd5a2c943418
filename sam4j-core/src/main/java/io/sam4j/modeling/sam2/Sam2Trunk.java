package io.sam4j.modeling.sam2;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import java.util.List;
import java.util.Map;

/**
 * The seam between the SAM 2 family's trunks (Hiera, EdgeTAM's RepViT) and {@link FpnNeck}: a
 * trunk turns the normalized image into its feature maps at strides 4, 8, 16, 32.
 */
public interface Sam2Trunk {
  /**
   * Adds the trunk to {@code g}.
   *
   * @param image the normalized image [1, 3, S, S]
   * @param taps receives intermediate outputs by their reference module name
   *     ({@code image_encoder.trunk.blocks.0}, ...) in the reference's layout
   * @return the feature maps finest first, each [1, C_i, S / (4 * 2^i), S / (4 * 2^i)]
   */
  List<Value> build(GraphBuilder g, Value image, Map<String, Value> taps);
}
