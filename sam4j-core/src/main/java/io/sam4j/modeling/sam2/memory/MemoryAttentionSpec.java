package io.sam4j.modeling.sam2.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;

/**
 * The {@code memory_attention} node ({@code sam2/modeling/memory_attention.py}): {@code numLayers}
 * copies of a {@code MemoryAttentionLayer} (self-attention, cross-attention to the memories, MLP,
 * pre-norms), then a final norm.
 */
public record MemoryAttentionSpec(int dModel, boolean posEncAtInput, int numLayers,
    int dimFeedforward, String activation, boolean posEncAtAttn, boolean posEncAtCrossAttnKeys,
    boolean posEncAtCrossAttnQueries, RopeAttentionSpec selfAttention,
    RopeAttentionSpec crossAttention, JsonNode node) {

  /** Reads the completed {@code memory_attention} node. */
  public static MemoryAttentionSpec of(JsonNode ma) {
    JsonNode layer = ma.path("layer");
    String act = layer.path("activation").asText("relu");
    if (!act.equals("relu") && !act.equals("gelu")) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "memory_attention.layer.activation '"
          + act + "' is not supported (relu, gelu)");
    }
    return new MemoryAttentionSpec(ma.path("d_model").asInt(), ma.path("pos_enc_at_input")
        .asBoolean(), ma.path("num_layers").asInt(), layer.path("dim_feedforward").asInt(), act,
        layer.path("pos_enc_at_attn").asBoolean(), layer.path("pos_enc_at_cross_attn_keys")
        .asBoolean(), layer.path("pos_enc_at_cross_attn_queries").asBoolean(),
        RopeAttentionSpec.of(layer.path("self_attention")),
        RopeAttentionSpec.of(layer.path("cross_attention")), ma);
  }
}
