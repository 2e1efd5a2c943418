package io.sam4j.modeling.sam2.config;

import java.util.List;

/**
 * SAM 2's {@code FpnNeck}: a convolution per trunk level to {@code d_model}, then top-down fusion
 * (upsampled coarser level added) into {@code fpn_top_down_levels} only.
 *
 * @param positionEncoding the encoding of every output level
 * @param dModel output channels
 * @param backboneChannelList trunk channels, coarsest first
 * @param kernelSize lateral convolution kernel (1)
 * @param stride lateral convolution stride (1)
 * @param padding lateral convolution padding (0)
 * @param fpnInterpModel {@code nearest} (every official config) or {@code bilinear} (class default)
 * @param fuseType {@code sum} or {@code avg}
 * @param fpnTopDownLevels level indices (0 = finest) that receive top-down features
 */
public record FpnNeckSpec(PositionEmbeddingSineSpec positionEncoding, int dModel,
    List<Integer> backboneChannelList, int kernelSize, int stride, int padding,
    String fpnInterpModel, String fuseType, List<Integer> fpnTopDownLevels) implements Sam2NeckSpec {

  public FpnNeckSpec {
    backboneChannelList = List.copyOf(backboneChannelList);
    fpnTopDownLevels = List.copyOf(fpnTopDownLevels);
  }
}
