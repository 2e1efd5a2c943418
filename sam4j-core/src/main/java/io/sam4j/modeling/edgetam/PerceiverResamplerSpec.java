package io.sam4j.modeling.edgetam;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.modeling.sam2.config.PositionEmbeddingSineSpec;

/**
 * EdgeTAM's {@code spatial_perceiver} ({@code PerceiverResampler}) settings.
 *
 * @param dim token width (the memory encoder's {@code out_dim})
 * @param depth encoder layers
 * @param dimHead width of one attention head
 * @param heads attention heads
 * @param numLatents learned global latents (attend to the whole memory map)
 * @param numLatents2d learned patch latents, a square number (each attends to its own window)
 * @param useSelfAttn whether each layer ends with self-attention and a second feed-forward
 * @param positionEncoding the sine encoding of the patch-latent grid
 */
public record PerceiverResamplerSpec(int dim, int depth, int dimHead, int heads, int numLatents,
    int numLatents2d, boolean useSelfAttn, PositionEmbeddingSineSpec positionEncoding) {

  /** Side of the patch-latent grid ({@code sqrt(num_latents_2d)}). */
  public int gridSide() {
    return (int) Math.round(Math.sqrt(numLatents2d));
  }

  /** Tokens per compressed memory frame: global then patch latents. */
  public int tokensPerFrame() {
    return Math.max(numLatents, 0) + Math.max(numLatents2d, 0);
  }

  /** The values of a {@code spatial_perceiver} node of a hydra config (dropouts ignored: eval). */
  public static PerceiverResamplerSpec fromConfig(JsonNode n) {
    String where = "spatial_perceiver";
    if (n == null || !n.isObject()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config: no " + where + " node");
    }
    if (n.path("concat_kv_latents").asBoolean(false)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config: " + where
          + ".concat_kv_latents true is not supported (EdgeTAM uses false)");
    }
    JsonNode pe = n.path("position_encoding");
    double scale = pe.path("scale").isNumber() ? pe.path("scale").asDouble() : 2 * Math.PI;
    PerceiverResamplerSpec spec = new PerceiverResamplerSpec(n.path("dim").asInt(),
        n.path("depth").asInt(), n.path("dim_head").asInt(64), n.path("heads").asInt(1),
        n.path("num_latents").asInt(-1), n.path("num_latents_2d").asInt(-1),
        n.path("use_self_attn").asBoolean(false),
        new PositionEmbeddingSineSpec(pe.path("num_pos_feats").asInt(),
            pe.path("temperature").asDouble(10000), pe.path("normalize").asBoolean(true), scale));
    int side = spec.gridSide();
    if (spec.numLatents2d > 0 && side * side != spec.numLatents2d) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config: " + where + ".num_latents_2d "
          + spec.numLatents2d + " must be a square number");
    }
    if (spec.dim <= 0 || spec.depth <= 0 || spec.tokensPerFrame() == 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config: " + where
          + " needs dim, depth and num_latents or num_latents_2d");
    }
    return spec;
  }
}
