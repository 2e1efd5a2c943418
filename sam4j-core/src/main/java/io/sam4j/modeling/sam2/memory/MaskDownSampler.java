package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * SAM 2's {@code MaskDownSampler} ({@code sam2/modeling/memory_encoder.py}): per stride step a
 * convolution (channels x stride^2), {@code LayerNorm2d} (eps 1e-6) and GELU, then a 1x1
 * convolution to {@code embed_dim}. Keys {@code memory_encoder.mask_downsampler.encoder.<i>}.
 */
public final class MaskDownSampler {
  static final String P = "memory_encoder.mask_downsampler.encoder";

  private MaskDownSampler() {}

  /** The mask [B, 1, S, S] to [B, embed_dim, S/total_stride, S/total_stride]. */
  public static Value build(Layers nn, MemoryEncoderSpec spec, Value mask) {
    Value x = mask;
    int n = spec.downLayers();
    for (int i = 0; i < n; i++) {
      x = nn.conv2d(P + "." + 3 * i, x, spec.downStride(), spec.downPadding(), 1);
      x = nn.gelu(nn.layerNorm2d(P + "." + (3 * i + 1), x, 1e-6f));
    }
    return nn.conv2d(P + "." + 3 * n, x, 1, 0, 1);
  }
}
