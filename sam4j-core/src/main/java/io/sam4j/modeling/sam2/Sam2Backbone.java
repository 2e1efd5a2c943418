package io.sam4j.modeling.sam2;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import java.util.List;
import java.util.Map;

/**
 * A SAM 2-family image encoder's trunk and neck ({@code ImageEncoder} before {@code scalp}): the
 * normalized image to the neck's feature levels. Hiera and EdgeTAM's RepViT go through
 * {@link FpnNeck}; EfficientTAM's ViT has its own one-level neck. {@link Sam2Encoders} adds what
 * follows (scalp, {@code no_mem_embed}, the decoder's high-resolution projections).
 */
public interface Sam2Backbone {
  /**
   * Adds trunk and neck to {@code g}.
   *
   * @param image the normalized image [1, 3, S, S]
   * @param taps receives intermediate outputs by their reference module name, in the reference's
   *     layouts
   * @return the neck's levels finest first, each [1, C, h_i, w_i], before {@code scalp}
   */
  List<Value> build(GraphBuilder g, Value image, Map<String, Value> taps);
}
