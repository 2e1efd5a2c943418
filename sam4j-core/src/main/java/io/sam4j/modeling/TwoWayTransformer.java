package io.sam4j.modeling;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * SAM's {@code TwoWayTransformer}: {@code depth} {@code TwoWayAttentionBlock}s in which the prompt
 * tokens attend to the image and the image attends back to the tokens, then a final token-to-image
 * attention. Keys live under {@code mask_decoder.transformer.}. The attentions over image tokens
 * use {@link DecoderAttention}'s cheaper equal forms; while the image tokens are still shared by
 * every prompt (first block, no mask input) they are projected once for the whole batch.
 */
final class TwoWayTransformer {
  private static final String P = "mask_decoder.transformer";
  private final Layers nn;
  private final DecoderAttention attention;
  private final int depth;

  TwoWayTransformer(Layers nn, int depth, int numHeads) {
    this.nn = nn;
    this.attention = new DecoderAttention(nn, numHeads);
    this.depth = depth;
  }

  /**
   * @param image image embedding as tokens [B, HW, C], or [1, HW, C] when shared by all prompts
   * @param imagePe its positional encoding [1, HW, C]
   * @param tokens the output and prompt tokens [B, T, C]
   * @return {queries [B, T, C], keys [B, HW, C]}
   */
  Value[] build(Value image, Value imagePe, Value tokens, boolean imageShared) {
    Value queries = tokens;
    Value keys = image;
    boolean shared = imageShared;
    for (int i = 0; i < depth; i++) {
      String l = P + ".layers." + i;
      try (GraphBuilder.Scope s = nn.g.scope(l)) {
        Value[] qk = block(l, queries, keys, tokens, imagePe, i == 0, shared);
        queries = qk[0];
        keys = qk[1];
        shared = false;
      }
    }
    String f = P + ".final_attn_token_to_image";
    try (GraphBuilder.Scope s = nn.g.scope(f)) {
      Value q = nn.add(queries, tokens);
      Value k = nn.add(keys, imagePe);
      Value out = shared ? attention.standard(f, q, k, keys) : attention.tokenToImage(f, q, k, keys);
      queries = nn.layerNorm(P + ".norm_final_attn", nn.add(queries, out), 1e-5f);
    }
    return new Value[] {queries, keys};
  }

  /** {@code TwoWayAttentionBlock.forward}. */
  private Value[] block(String l, Value queries, Value keys, Value queryPe, Value keyPe,
      boolean skipFirstLayerPe, boolean keysShared) {
    if (skipFirstLayerPe) {
      queries = attention.standard(l + ".self_attn", queries, queries, queries);
    } else {
      Value q = nn.add(queries, queryPe);
      queries = nn.add(queries, attention.standard(l + ".self_attn", q, q, queries));
    }
    queries = nn.layerNorm(l + ".norm1", queries, 1e-5f);

    Value q = nn.add(queries, queryPe);
    Value k = nn.add(keys, keyPe);
    String t2i = l + ".cross_attn_token_to_image";
    Value attnOut = keysShared ? attention.standard(t2i, q, k, keys)
        : attention.tokenToImage(t2i, q, k, keys);
    queries = nn.layerNorm(l + ".norm2", nn.add(queries, attnOut), 1e-5f);

    Value mlp = nn.linear(l + ".mlp.lin2", nn.relu(nn.linear(l + ".mlp.lin1", queries)));
    queries = nn.layerNorm(l + ".norm3", nn.add(queries, mlp), 1e-5f);

    q = nn.add(queries, queryPe);
    keys = nn.add(keys, attention.imageToToken(l + ".cross_attn_image_to_token", k, q, queries));
    keys = nn.layerNorm(l + ".norm4", keys, 1e-5f);
    return new Value[] {queries, keys};
  }
}
