package io.sam4j.modeling;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * SAM's {@code TwoWayTransformer}: {@code depth} {@code TwoWayAttentionBlock}s in which the prompt
 * tokens attend to the image and the image attends back to the tokens, then a final token-to-image
 * attention. Keys live under {@code mask_decoder.transformer.}.
 */
final class TwoWayTransformer {
  private static final String P = "mask_decoder.transformer";
  private final Layers nn;
  private final int depth;
  private final int numHeads;

  TwoWayTransformer(Layers nn, int depth, int numHeads) {
    this.nn = nn;
    this.depth = depth;
    this.numHeads = numHeads;
  }

  /**
   * @param image image embedding as tokens [B, HW, C]
   * @param imagePe its positional encoding [1, HW, C]
   * @param tokens the output and prompt tokens [B, T, C]
   * @return {queries [B, T, C], keys [B, HW, C]}
   */
  Value[] build(Value image, Value imagePe, Value tokens) {
    Value queries = tokens;
    Value keys = image;
    for (int i = 0; i < depth; i++) {
      String l = P + ".layers." + i;
      try (GraphBuilder.Scope s = nn.g.scope(l)) {
        Value[] qk = block(l, queries, keys, tokens, imagePe, i == 0);
        queries = qk[0];
        keys = qk[1];
      }
    }
    try (GraphBuilder.Scope s = nn.g.scope(P + ".final_attn_token_to_image")) {
      Value q = nn.add(queries, tokens);
      Value k = nn.add(keys, imagePe);
      Value out = attention(P + ".final_attn_token_to_image", q, k, keys);
      queries = nn.layerNorm(P + ".norm_final_attn", nn.add(queries, out), 1e-5f);
    }
    return new Value[] {queries, keys};
  }

  /** {@code TwoWayAttentionBlock.forward}. */
  private Value[] block(String l, Value queries, Value keys, Value queryPe, Value keyPe,
      boolean skipFirstLayerPe) {
    if (skipFirstLayerPe) {
      queries = attention(l + ".self_attn", queries, queries, queries);
    } else {
      Value q = nn.add(queries, queryPe);
      queries = nn.add(queries, attention(l + ".self_attn", q, q, queries));
    }
    queries = nn.layerNorm(l + ".norm1", queries, 1e-5f);

    Value q = nn.add(queries, queryPe);
    Value k = nn.add(keys, keyPe);
    queries = nn.add(queries, attention(l + ".cross_attn_token_to_image", q, k, keys));
    queries = nn.layerNorm(l + ".norm2", queries, 1e-5f);

    Value mlp = nn.linear(l + ".mlp.lin2", nn.relu(nn.linear(l + ".mlp.lin1", queries)));
    queries = nn.layerNorm(l + ".norm3", nn.add(queries, mlp), 1e-5f);

    q = nn.add(queries, queryPe);
    k = nn.add(keys, keyPe);
    keys = nn.add(keys, attention(l + ".cross_attn_image_to_token", k, q, queries));
    keys = nn.layerNorm(l + ".norm4", keys, 1e-5f);
    return new Value[] {queries, keys};
  }

  /**
   * The decoder's {@code Attention}: projections to {@code internal_dim} (the downsample rate is read
   * from the weights), heads, {@code softmax(q k^T / sqrt(c))}, output projection.
   */
  private Value attention(String a, Value q, Value k, Value v) {
    int internal = nn.param(a + ".q_proj", "weight").dim(0);
    int c = internal / numHeads;
    Value qp = heads(nn.linear(a + ".q_proj", q), c);
    Value kp = heads(nn.linear(a + ".k_proj", k), c);
    Value vp = heads(nn.linear(a + ".v_proj", v), c);
    Value attn = nn.matmul(qp, nn.transpose(kp, 0, 1, 3, 2));
    attn = nn.g.op("Div", attn, nn.g.scalar((float) Math.sqrt(c)));
    attn = nn.softmax(attn);
    Value out = nn.matmul(attn, vp);
    out = nn.reshape(nn.transpose(out, 0, 2, 1, 3), 0, -1, internal);
    return nn.linear(a + ".out_proj", out);
  }

  /** {@code _separate_heads}: [B, N, C] to [B, heads, N, C/heads]. */
  private Value heads(Value x, int perHead) {
    return nn.transpose(nn.reshape(x, 0, -1, numHeads, perHead), 0, 2, 1, 3);
  }
}
