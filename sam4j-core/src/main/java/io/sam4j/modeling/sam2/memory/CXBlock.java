package io.sam4j.modeling.sam2.memory;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * The ConvNeXt block of SAM 2's memory fuser ({@code CXBlock}, {@code memory_encoder.py}):
 * {@code x + gamma * pwconv2(GELU(pwconv1(norm(dwconv(x)))))}, the 1x1 layers as {@code nn.Linear}
 * over channels-last tokens, {@code LayerNorm2d} eps 1e-6. Keys
 * {@code memory_encoder.fuser.layers.<i>.}.
 */
public final class CXBlock {
  private CXBlock() {}

  /** One block over x [B, C, H, W]. */
  public static Value build(Layers nn, String prefix, MemoryEncoderSpec spec, int dim, Value x) {
    Value y = nn.conv2d(prefix + ".dwconv", x, 1, spec.cxPadding(), spec.cxDwconv() ? dim : 1);
    y = nn.layerNorm2d(prefix + ".norm", y, 1e-6f);
    y = nn.transpose(y, 0, 2, 3, 1);
    y = nn.linear(prefix + ".pwconv2", nn.gelu(nn.linear(prefix + ".pwconv1", y)));
    if (nn.sd.has(prefix + ".gamma")) {
      y = nn.mul(y, nn.weight(prefix + ".gamma"));
    }
    return nn.add(x, nn.transpose(y, 0, 3, 1, 2));
  }
}
