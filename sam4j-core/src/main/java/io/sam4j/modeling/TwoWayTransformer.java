package io.sam4j.modeling;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * SAM's {@code TwoWayTransformer}: {@code depth} {@code TwoWayAttentionBlock}s in which the prompt
 * tokens attend to the image and the image attends back to the tokens, then a final token-to-image
 * attention. Keys live under {@code mask_decoder.transformer.}. The attentions over image tokens
 * use {@link DecoderAttention}'s cheaper equal forms; while the image tokens are still shared by
 * every prompt (first block, no mask input) their keys and values are projected once per image.
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

  /** Where the first block's image-side keys and values come from. */
  record ImageSide(Value tokens, Value tokensPlusPe, Value[] firstKeysValues) {}

  /**
   * The work on the image tokens that does not depend on the prompts (while no mask input changes
   * them): the first block's token-to-image keys and values, projected once per image.
   *
   * @return {keys, values}, each [1, H, HW, c]
   */
  Value[] firstBlockKeysValues(Value imageTokens, Value imageTokensPlusPe) {
    String t2i = P + ".layers.0.cross_attn_token_to_image";
    try (GraphBuilder.Scope s = nn.g.scope(t2i)) {
      return attention.projectKeysValues(t2i, imageTokensPlusPe, imageTokens);
    }
  }

  /**
   * @param image the image tokens [B or 1, HW, C], their sum with the positional encoding, and,
   *     when the tokens are shared by all prompts, the first block's projected keys and values
   * @param imagePe the positional encoding [1, HW, C]
   * @param tokens the output and prompt tokens [B, T, C]
   * @return {queries [B, T, C], keys [B, HW, C]}
   */
  Value[] build(ImageSide image, Value imagePe, Value tokens) {
    Value queries = tokens;
    Value keys = image.tokens();
    for (int i = 0; i < depth; i++) {
      String l = P + ".layers." + i;
      try (GraphBuilder.Scope s = nn.g.scope(l)) {
        Value k = i == 0 ? image.tokensPlusPe() : nn.add(keys, imagePe);
        Value[] kv = i == 0 ? image.firstKeysValues() : null;
        Value[] qk = block(l, queries, keys, k, kv, tokens, i == 0);
        queries = qk[0];
        keys = qk[1];
      }
    }
    String f = P + ".final_attn_token_to_image";
    try (GraphBuilder.Scope s = nn.g.scope(f)) {
      Value q = nn.add(queries, tokens);
      Value k = nn.add(keys, imagePe);
      Value out = attention.tokenToImage(f, q, k, keys);
      queries = nn.layerNorm(P + ".norm_final_attn", nn.add(queries, out), 1e-5f);
    }
    return new Value[] {queries, keys};
  }

  /**
   * {@code TwoWayAttentionBlock.forward}.
   *
   * @param k the image tokens plus their positional encoding
   * @param firstKv projected keys and values of the token-to-image attention, when precomputed
   */
  private Value[] block(String l, Value queries, Value keys, Value k, Value[] firstKv,
      Value queryPe, boolean skipFirstLayerPe) {
    if (skipFirstLayerPe) {
      queries = attention.standard(l + ".self_attn", queries, queries, queries);
    } else {
      Value q = nn.add(queries, queryPe);
      queries = nn.add(queries, attention.standard(l + ".self_attn", q, q, queries));
    }
    queries = nn.layerNorm(l + ".norm1", queries, 1e-5f);

    Value q = nn.add(queries, queryPe);
    String t2i = l + ".cross_attn_token_to_image";
    Value attnOut = firstKv != null ? attention.attend(t2i, q, firstKv[0], firstKv[1])
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
