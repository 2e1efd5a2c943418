package io.sam4j.modeling.sam2.config;

import java.util.List;

/** The neck of a SAM 2-family image encoder: {@link FpnNeckSpec} or {@link VitDetNeckSpec}. */
public interface Sam2NeckSpec {
  /** Output width {@code d_model}: the model's hidden dimension C. */
  int dModel();

  /** Channels of the trunk levels it takes, coarsest first ({@code backbone_channel_list}). */
  List<Integer> backboneChannelList();

  /** The sine position encoding of its outputs. */
  PositionEmbeddingSineSpec positionEncoding();
}
