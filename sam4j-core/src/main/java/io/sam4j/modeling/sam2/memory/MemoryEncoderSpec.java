package io.sam4j.modeling.sam2.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.modeling.sam2.config.PositionEmbeddingSineSpec;

/**
 * The {@code memory_encoder} node of a SAM 2-family config ({@code sam2/modeling/memory_encoder.py}):
 * a {@code MaskDownSampler} (convolutions of {@code kernel}/{@code stride}/{@code padding} until
 * {@code totalStride}, channels x stride^2 each, then a 1x1 to {@code embedDim}), {@code pix_feat_proj},
 * a {@code Fuser} of {@code fuserLayers} {@code CXBlock}s, {@code out_proj} when {@code outDim != inDim},
 * and the sine position encoding of its output.
 */
public record MemoryEncoderSpec(int inDim, int outDim, int downKernel, int downStride,
    int downPadding, int downTotalStride, int embedDim, int fuserLayers, boolean fuserInputProjection,
    int cxKernel, int cxPadding, boolean cxDwconv, PositionEmbeddingSineSpec position) {

  /** Reads the completed {@code memory_encoder} node. */
  public static MemoryEncoderSpec of(JsonNode me) {
    JsonNode down = me.path("mask_downsampler");
    JsonNode fuser = me.path("fuser");
    JsonNode layer = fuser.path("layer");
    JsonNode pe = me.path("position_encoding");
    int stride = down.path("stride").asInt(4);
    int total = down.path("total_stride").asInt(16);
    int layers = (int) (Math.log(total) / Math.log(stride));
    if ((int) Math.round(Math.pow(stride, layers)) != total) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "memory_encoder.mask_downsampler:"
          + " total_stride " + total + " is not a power of stride " + stride);
    }
    double scale = pe.path("scale").isNull() || pe.path("scale").isMissingNode() ? 2 * Math.PI
        : pe.path("scale").asDouble();
    return new MemoryEncoderSpec(me.path("in_dim").asInt(256), me.path("out_dim").asInt(),
        down.path("kernel_size").asInt(4), stride, down.path("padding").asInt(0), total,
        down.path("embed_dim").asInt(256), fuser.path("num_layers").asInt(),
        fuser.path("input_projection").asBoolean(false), layer.path("kernel_size").asInt(7),
        layer.path("padding").asInt(3), layer.path("use_dwconv").asBoolean(true),
        new PositionEmbeddingSineSpec(pe.path("num_pos_feats").asInt(), 
            pe.path("temperature").asDouble(10000), pe.path("normalize").asBoolean(true), scale));
  }

  /** Number of stride-{@code downStride} convolutions in the mask downsampler. */
  public int downLayers() {
    return (int) Math.round(Math.log(downTotalStride) / Math.log(downStride));
  }
}
