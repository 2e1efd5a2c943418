package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.PositionEmbeddingSine;

/**
 * SAM 2's {@code MemoryEncoder} ({@code sam2/modeling/memory_encoder.py}): the mask (already
 * through sigmoid or binarised, scaled) by {@link MaskDownSampler}, added to
 * {@code pix_feat_proj(pix_feat)}, through the {@code Fuser}'s {@link CXBlock}s and
 * {@code out_proj}. Its position encoding ({@code vision_pos_enc}) depends only on the output's
 * size: {@link #positionEncoding}. Keys under {@code memory_encoder.}.
 */
public final class MemoryEncoder {
  static final String P = "memory_encoder";

  private MemoryEncoder() {}

  /**
   * @param pixFeat the frame's top-level features [B, in_dim, h, w] (without {@code no_mem_embed})
   * @param mask the mask for the memory [B, 1, S, S]
   * @return the memory features [B, out_dim, h, w]
   */
  public static Value build(Layers nn, MemoryEncoderSpec spec, Value pixFeat, Value mask) {
    Value masks = MaskDownSampler.build(nn, spec, mask);
    Value x = nn.add(nn.conv2d(P + ".pix_feat_proj", pixFeat, 1, 0, 1), masks);
    if (spec.fuserInputProjection()) {
      x = nn.conv2d(P + ".fuser.proj", x, 1, 0, 1);
    }
    for (int i = 0; i < spec.fuserLayers(); i++) {
      x = CXBlock.build(nn, P + ".fuser.layers." + i, spec, spec.inDim(), x);
    }
    if (spec.outDim() != spec.inDim()) {
      x = nn.conv2d(P + ".out_proj", x, 1, 0, 1);
    }
    return x;
  }

  /** {@code position_encoding} of an output grid of side {@code grid}: [out_dim, grid, grid]. */
  public static float[] positionEncoding(MemoryEncoderSpec spec, int grid) {
    return PositionEmbeddingSine.encode(spec.position(), grid, grid);
  }
}
