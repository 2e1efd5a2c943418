package io.sam4j.modeling.sam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * SAM's {@code TwoWayTransformer}: {@code depth} {@code TwoWayAttentionBlock}s in which the prompt
 * tokens attend to the image and the image attends back to the tokens, then a final token-to-image
 * attention. Keys live under {@code mask_decoder.transformer.}. The attentions over image tokens
 * use {@link DecoderAttention}'s cheaper equal forms; while the image tokens are still shared by
 * every prompt (first block, no mask input) their keys and values are projected once per image.
 */
public final class TwoWayTransformer {
  private final String prefix;
  private final Layers nn;
  private final DecoderAttention attention;
  private final int depth;
  private final String mlpIn;
  private final String mlpOut;

  /** SAM's transformer, under {@code mask_decoder.transformer}, MLP layers {@code lin1, lin2}. */
  TwoWayTransformer(Layers nn, int depth, int numHeads, long imageTokens) {
    this(nn, "mask_decoder.transformer", "lin1", "lin2", depth, numHeads, imageTokens);
  }

  /**
   * A transformer under any key prefix (SAM 2: {@code sam_mask_decoder.transformer}, whose block
   * MLPs are {@code MLP} modules with layers {@code layers.0, layers.1}).
   *
   * @param mlpIn the name of each block's first MLP layer under {@code mlp.}
   * @param mlpOut the name of the second
   * @param imageTokens the number of image tokens N (h x w of the embedding)
   */
  public TwoWayTransformer(Layers nn, String prefix, String mlpIn, String mlpOut, int depth,
      int numHeads, long imageTokens) {
    this.nn = nn;
    this.prefix = prefix;
    this.attention = new DecoderAttention(nn, numHeads, imageTokens);
    this.depth = depth;
    this.mlpIn = mlpIn;
    this.mlpOut = mlpOut;
  }

  /**
   * The image side: tokens, tokens plus positional encoding, and (when shared by every prompt)
   * the first block's projections of them, see {@link #firstBlockProjections}.
   */
  public record ImageSide(Value tokens, Value tokensPlusPe, Value[] firstBlock) {}

  /**
   * The image side, as {@code TwoWayTransformer.forward} begins: {@code src} flattened to tokens,
   * their sum with the positional encoding, and, when {@code precomputeFirstBlock}, the first
   * block's projections of them ({@link #firstBlockProjections}).
   *
   * @param src the image embeddings plus the dense prompt embeddings [B or 1, C, h, w]
   * @param peTokens the positional encoding as tokens [1, hw, C]
   * @param dim C
   * @param hw h x w
   */
  public ImageSide imageSide(Value src, Value peTokens, int dim, long hw,
      boolean precomputeFirstBlock) {
    Value tokens = nn.transpose(nn.reshape(src, 0, dim, hw), 0, 2, 1);
    Value withPe = nn.add(tokens, peTokens);
    Value[] first = precomputeFirstBlock ? firstBlockProjections(tokens, withPe) : null;
    return new ImageSide(tokens, withPe, first);
  }

  /**
   * The work on the image tokens that does not depend on the prompts (while no mask input changes
   * them): the first block's token-to-image keys and values and its image-to-token queries,
   * projected once per image.
   *
   * @return {keys [1, H, HW, c], values [1, H, HW, c], queries scaled by 1/sqrt(c) and
   *     transposed [1, H, c, HW]}
   */
  public Value[] firstBlockProjections(Value imageTokens, Value imageTokensPlusPe) {
    String l = prefix + ".layers.0";
    Value[] kv;
    try (GraphBuilder.Scope s = nn.g.scope(l + ".cross_attn_token_to_image")) {
      kv = attention.projectKeysValues(l + ".cross_attn_token_to_image", imageTokensPlusPe,
          imageTokens);
    }
    try (GraphBuilder.Scope s = nn.g.scope(l + ".cross_attn_image_to_token")) {
      return new Value[] {kv[0], kv[1],
          attention.projectImageQueries(l + ".cross_attn_image_to_token", imageTokensPlusPe)};
    }
  }

  /**
   * @param image the image tokens [B or 1, HW, C], their sum with the positional encoding, and,
   *     when the tokens are shared by all prompts, the first block's projected keys and values
   * @param imagePe the positional encoding [1, HW, C]
   * @param tokens the output and prompt tokens [B, T, C]
   * @param outputs how many leading tokens the caller reads: only they go through the final
   *     attention (each query attends on its own, so the others' results would be dropped)
   * @return {queries [B, outputs, C], keys [B, HW, C]}
   */
  public Value[] build(ImageSide image, Value imagePe, Value tokens, int outputs) {
    Value queries = tokens;
    Value keys = image.tokens();
    for (int i = 0; i < depth; i++) {
      String l = prefix + ".layers." + i;
      try (GraphBuilder.Scope s = nn.g.scope(l)) {
        Value k = i == 0 ? image.tokensPlusPe() : nn.add(keys, imagePe);
        Value[] first = i == 0 ? image.firstBlock() : null;
        Value[] qk = block(l, queries, keys, k, first, tokens, i == 0);
        queries = qk[0];
        keys = qk[1];
      }
    }
    String f = prefix + ".final_attn_token_to_image";
    try (GraphBuilder.Scope s = nn.g.scope(f)) {
      queries = nn.slice(queries, 1, 0, outputs);
      Value q = nn.add(queries, nn.slice(tokens, 1, 0, outputs));
      Value k = nn.add(keys, imagePe);
      Value out = attention.tokenToImage(f, q, k, keys);
      queries = nn.layerNorm(prefix + ".norm_final_attn", nn.add(queries, out), 1e-5f);
    }
    return new Value[] {queries, keys};
  }

  /**
   * {@code TwoWayAttentionBlock.forward}.
   *
   * @param k the image tokens plus their positional encoding
   * @param first the image side's projections, when precomputed (see
   *     {@link #firstBlockProjections})
   */
  private Value[] block(String l, Value queries, Value keys, Value k, Value[] first,
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
    Value attnOut = first != null ? attention.attend(t2i, q, first[0], first[1])
        : attention.tokenToImage(t2i, q, k, keys);
    queries = nn.layerNorm(l + ".norm2", nn.add(queries, attnOut), 1e-5f);

    Value mlp = nn.linear(l + ".mlp." + mlpOut, nn.relu(nn.linear(l + ".mlp." + mlpIn, queries)));
    queries = nn.layerNorm(l + ".norm3", nn.add(queries, mlp), 1e-5f);

    q = nn.add(queries, queryPe);
    String i2t = l + ".cross_attn_image_to_token";
    Value attn = first != null ? attention.imageToTokenProjected(i2t, first[2], q, queries)
        : attention.imageToToken(i2t, k, q, queries);
    keys = nn.addLayerNorm(l + ".norm4", attn, attention.outputBias(i2t), keys, 1e-5f);
    return new Value[] {queries, keys};
  }
}
