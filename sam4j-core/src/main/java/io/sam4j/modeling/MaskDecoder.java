package io.sam4j.modeling;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * SAM's {@code MaskDecoder}: IoU and mask tokens joined to the prompt tokens, the
 * {@link TwoWayTransformer}, transposed-convolution upscaling, one hypernetwork MLP per mask token,
 * and the IoU prediction head. Always predicts every mask token; the predictor selects the
 * multimask outputs. Keys live under {@code mask_decoder.}.
 */
public final class MaskDecoder {
  private static final String P = "mask_decoder";
  private final Layers nn;
  private final ModelSpec.DecoderSpec spec;

  MaskDecoder(Layers nn, ModelSpec.DecoderSpec spec) {
    this.nn = nn;
    this.spec = spec;
  }

  /**
   * @param image image embeddings [1, C, h, w]
   * @param imagePe dense positional encoding [1, C, h, w]
   * @param sparse prompt tokens [B, N, C]
   * @param dense dense prompt embeddings [B, C, h, w]
   * @return {low-res mask logits [B, M, 4h, 4w], IoU predictions [B, M]} for all M mask tokens
   */
  Value[] build(Value image, Value imagePe, Value sparse, Value dense, int h, int w) {
    GraphBuilder g = nn.g;
    int c = spec.transformerDim();
    int numMask = spec.numMultimaskOutputs() + 1;
    Value src;
    Value hs;
    try (GraphBuilder.Scope s = g.scope(P)) {
      float[] out = new float[(1 + numMask) * c];
      System.arraycopy(nn.sd.get(P + ".iou_token.weight", 1, c).toFloatArray(), 0, out, 0, c);
      System.arraycopy(nn.sd.get(P + ".mask_tokens.weight", numMask, c).toFloatArray(), 0, out, c,
          numMask * c);
      Value outputTokens = g.floats(out, 1, 1 + numMask, c);
      Value batch = g.node("Slice", g.op("Shape", sparse), g.ints(0), g.ints(1)).out();
      Value expandShape = g.node("Concat", batch, g.ints(1 + numMask, c)).attr("axis", 0L).out();
      outputTokens = g.op("Expand", outputTokens, expandShape);
      Value tokens = g.node("Concat", outputTokens, sparse).attr("axis", 1L).out();
      src = nn.add(image, dense);
      Value srcTokens = nn.transpose(nn.reshape(src, 0, c, (long) h * w), 0, 2, 1);
      Value peTokens = nn.transpose(nn.reshape(imagePe, 1, c, (long) h * w), 0, 2, 1);
      Value[] qk = new TwoWayTransformer(nn, spec.depth(), spec.numHeads())
          .build(srcTokens, peTokens, tokens);
      hs = qk[0];
      src = nn.reshape(nn.transpose(qk[1], 0, 2, 1), -1, c, h, w);
    }
    Value up;
    try (GraphBuilder.Scope s = g.scope(P + ".output_upscaling")) {
      String u = P + ".output_upscaling";
      up = nn.convTranspose2d(u + ".0", src, 2);
      up = nn.gelu(nn.layerNorm2d(u + ".1", up, 1e-6f));
      up = nn.gelu(nn.convTranspose2d(u + ".3", up, 2));
    }
    Value[] hyper = new Value[numMask];
    for (int i = 0; i < numMask; i++) {
      String m = P + ".output_hypernetworks_mlps." + i;
      try (GraphBuilder.Scope s = g.scope(m)) {
        Value token = nn.slice(hs, 1, 1 + i, 2 + i);
        hyper[i] = mlp(m, token, 3);
      }
    }
    Value masks;
    try (GraphBuilder.Scope s = g.scope(P)) {
      Value hyperIn = g.node("Concat", hyper).attr("axis", 1L).out();
      long upC = c / 8;
      Value flat = nn.reshape(up, 0, upC, (long) 16 * h * w);
      masks = nn.reshape(nn.matmul(hyperIn, flat), 0, numMask, 4L * h, 4L * w);
    }
    Value iou;
    try (GraphBuilder.Scope s = g.scope(P + ".iou_prediction_head")) {
      Value iouToken = nn.g.op("Squeeze", nn.slice(hs, 1, 0, 1), g.ints(1));
      iou = mlp(P + ".iou_prediction_head", iouToken, spec.iouHeadDepth());
    }
    return new Value[] {masks, iou};
  }

  /** The decoder's {@code MLP}: ReLU between layers, none after the last. */
  private Value mlp(String prefix, Value x, int layers) {
    for (int i = 0; i < layers; i++) {
      x = nn.linear(prefix + ".layers." + i, x);
      if (i < layers - 1) {
        x = nn.relu(x);
      }
    }
    return x;
  }
}
