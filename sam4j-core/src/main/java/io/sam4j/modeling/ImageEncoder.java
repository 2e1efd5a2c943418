package io.sam4j.modeling;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import java.util.Map;

/**
 * The seam between the SAM family's members: each builds its image encoder (ViT, TinyViT, ...)
 * from its slice of the state dict; prompt encoder and mask decoder stay the same.
 */
public interface ImageEncoder {
  /**
   * Adds the encoder to {@code g}.
   *
   * @param image the normalized, padded image [1, 3, S, S]
   * @param taps receives the output of each top-level module by its reference name
   *     ({@code image_encoder.blocks.0}, ...), in the reference's memory layout
   * @return the image embeddings [1, C, S/16, S/16]
   */
  Value build(GraphBuilder g, Value image, Map<String, Value> taps);

  /** A short name for the architecture, such as {@code vit_b} or {@code tiny_vit}. */
  String name();
}
