package io.sam4j.modeling.sam2.memory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One attention of a memory-attention layer ({@code RoPEAttention} of
 * {@code sam2/modeling/sam/transformer.py}, or a family's variant named by {@code target}).
 *
 * @param target the config's {@code _target_} class name
 * @param embeddingDim the query side width (and output width)
 * @param kvInDim the key/value input width ({@code kv_in_dim}, the memory width for cross-attention)
 * @param numHeads heads
 * @param downsampleRate internal width = embeddingDim / downsampleRate
 * @param ropeTheta the rotary base
 * @param featW the query grid width ({@code feat_sizes[0]})
 * @param featH the query grid height ({@code feat_sizes[1]})
 * @param ropeKRepeat whether keys repeat the query rotations once per memory frame
 * @param node the whole node, for a family's extra settings
 */
public record RopeAttentionSpec(String target, int embeddingDim, int kvInDim, int numHeads,
    int downsampleRate, double ropeTheta, int featW, int featH, boolean ropeKRepeat,
    JsonNode node) {

  /** Reads a completed attention node. */
  public static RopeAttentionSpec of(JsonNode a) {
    int dim = a.path("embedding_dim").asInt();
    JsonNode kv = a.path("kv_in_dim");
    JsonNode feat = a.path("feat_sizes");
    return new RopeAttentionSpec(a.path("_target_").asText(), dim,
        kv.isNull() || kv.isMissingNode() ? dim : kv.asInt(), a.path("num_heads").asInt(1),
        a.path("downsample_rate").asInt(1), a.path("rope_theta").asDouble(10000),
        feat.path(0).asInt(64), feat.path(1).asInt(64), a.path("rope_k_repeat").asBoolean(false), a);
  }

  /** Width after the input projections. */
  public int internalDim() {
    return embeddingDim / downsampleRate;
  }

  /** Width of one head. */
  public int headDim() {
    return internalDim() / numHeads;
  }
}
