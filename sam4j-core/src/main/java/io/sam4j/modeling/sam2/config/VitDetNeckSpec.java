package io.sam4j.modeling.sam2.config;

import java.util.List;

/**
 * EfficientTAM's {@code ViTDetNeck}: one level, the ViT's output through convolutions to
 * {@code d_model} (the graph is built by the EfficientTAM encoder).
 *
 * @param positionEncoding the encoding of its output
 * @param dModel output channels
 * @param backboneChannelList the ViT width, one entry
 * @param kernelSize first convolution kernel (1)
 * @param stride first convolution stride (1)
 * @param padding first convolution padding (0)
 * @param neckNorm {@code LN} for LayerNorm2d after the convolutions, or null for none
 */
public record VitDetNeckSpec(PositionEmbeddingSineSpec positionEncoding, int dModel,
    List<Integer> backboneChannelList, int kernelSize, int stride, int padding, String neckNorm)
    implements Sam2NeckSpec {

  public VitDetNeckSpec {
    backboneChannelList = List.copyOf(backboneChannelList);
  }
}
