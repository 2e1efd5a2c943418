package io.sam4j.modeling.sam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SubPixelUpscaling;
import io.sam4j.modeling.nn.Mlp;
import io.sam4j.modeling.nn.StackedMlps;

/**
 * SAM's {@code MaskDecoder}: IoU and mask tokens joined to the prompt tokens, the
 * {@link TwoWayTransformer}, transposed-convolution upscaling, one hypernetwork MLP per mask token,
 * and the IoU prediction head. Always predicts every mask token; the predictor selects the
 * multimask outputs. Keys live under {@code mask_decoder.}.
 *
 * <p>The 2x2 stride-2 transposed convolutions are written as matrix products that keep every
 * pixel's four sub-pixels together (channels last), and the pixels are put in image order only
 * once, on the final low-res logits (by the graph, or for the staged decoder by the caller, which
 * does it faster than a transpose node; see {@link SamGraphs#subPixelToImage}).
 */
public final class MaskDecoder {
  private static final String P = "mask_decoder";
  private final Layers nn;
  private final ModelSpec.DecoderSpec spec;
  /** The side e of the image embedding (e x e image tokens). */
  private final int embeddingSize;

  MaskDecoder(Layers nn, ModelSpec.DecoderSpec spec, int embeddingSize) {
    this.nn = nn;
    this.spec = spec;
    this.embeddingSize = embeddingSize;
  }

  /**
   * The image side of the decoder: the image embeddings plus the dense prompt embedding, as tokens
   * [B or 1, hw, C], and their sum with the positional encoding.
   *
   * @param image image embeddings [1, C, h, w]
   * @param dense dense prompt embeddings [B, C, h, w], or the no-mask embedding [1, C, 1, 1]
   * @param peTokens positional encoding as tokens [1, hw, C]
   */
  TwoWayTransformer.ImageSide imageSide(Value image, Value dense, Value peTokens, int h, int w,
      boolean precomputeFirstBlock) {
    try (GraphBuilder.Scope s = nn.g.scope(P)) {
      return transformer().imageSide(nn.add(image, dense), peTokens, spec.transformerDim(),
          (long) h * w, precomputeFirstBlock);
    }
  }

  /** The positional encoding [1, C, h, w] as tokens [1, hw, C]. */
  Value peTokens(Value imagePe, int h, int w) {
    return nn.transpose(nn.reshape(imagePe, 1, spec.transformerDim(), (long) h * w), 0, 2, 1);
  }

  private TwoWayTransformer transformer() {
    return new TwoWayTransformer(nn, spec.depth(), spec.numHeads(),
        (long) embeddingSize * embeddingSize);
  }

  /**
   * The decoder up to its tokens: the transformer, the hypernetwork MLPs and the IoU head.
   *
   * @param iou IoU predictions [B, M]
   * @param hyperIn the hypernetworks' outputs [B, M, C/8], one weight vector per mask token
   * @param keys the image tokens after the transformer [B, hw, C]
   */
  record Tokens(Value iou, Value hyperIn, Value keys) {}

  /**
   * @param image the image side (see {@link #imageSide})
   * @param peTokens positional encoding as tokens [1, hw, C]
   * @param sparse prompt tokens [B, N, C]
   * @return {low-res mask logits [B, M, 4h, 4w], IoU predictions [B, M]} for all M mask tokens
   */
  Value[] build(TwoWayTransformer.ImageSide image, Value peTokens, Value sparse, int h, int w) {
    Tokens t = tokens(image, peTokens, sparse);
    return new Value[] {masks(t.keys(), t.hyperIn(), h, w), t.iou()};
  }

  /** The transformer and heads (see {@link Tokens}). */
  Tokens tokens(TwoWayTransformer.ImageSide image, Value peTokens, Value sparse) {
    GraphBuilder g = nn.g;
    int c = spec.transformerDim();
    int numMask = spec.numMultimaskOutputs() + 1;
    Value keys;
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
      Value[] qk = transformer().build(image, peTokens, tokens, 1 + numMask);
      hs = qk[0];
      keys = qk[1];
    }
    Value hyperIn;
    String hp = P + ".output_hypernetworks_mlps";
    try (GraphBuilder.Scope s = g.scope(hp)) {
      hyperIn = StackedMlps.build(g, nn.sd, hp, nn.slice(hs, 1, 1, 1 + numMask), numMask, 3);
    }
    Value iou;
    try (GraphBuilder.Scope s = g.scope(P + ".iou_prediction_head")) {
      Value iouToken = nn.g.op("Squeeze", nn.slice(hs, 1, 0, 1), g.ints(1));
      iou = Mlp.build(nn, P + ".iou_prediction_head", iouToken, spec.iouHeadDepth());
    }
    return new Tokens(iou, hyperIn, keys);
  }

  /**
   * The masks: the image tokens upscaled ({@code output_upscaling}) and weighted by each mask
   * token's hypernetwork output.
   *
   * @param keys image tokens after the transformer [B, hw, C]
   * @param hyperIn [B, M, C/8]
   * @return low-res logits [B, M, 4h, 4w]
   */
  Value masks(Value keys, Value hyperIn, int h, int w) {
    int numMask = spec.numMultimaskOutputs() + 1;
    Value sub = masksSubPixel(keys, hyperIn, h, w);
    try (GraphBuilder.Scope s = nn.g.scope(P)) {
      // sub-pixel order (y, x, ki, kj, ki2, kj2, mask) to image order (mask, 4y+2ki+ki2, 4x+2kj+kj2)
      sub = nn.reshape(sub, 0, h, w, 2, 2, 2, 2, numMask);
      return nn.reshape(nn.transpose(sub, 0, 7, 1, 3, 5, 2, 4, 6), 0, numMask, 4L * h, 4L * w);
    }
  }

  /**
   * {@link #masks} in the order the upscaling makes them, before any reordering:
   * [B, hw * 16, M], rows in the order (y, x, ki, kj, ki2, kj2) where the low-res pixel is
   * (4y + 2ki + ki2, 4x + 2kj + kj2); see {@link SamGraphs#subPixelToImage}.
   */
  Value masksSubPixel(Value keys, Value hyperIn, int h, int w) {
    try (GraphBuilder.Scope s = nn.g.scope(P + ".output_upscaling")) {
      return SubPixelUpscaling.build(nn, P + ".output_upscaling", keys, hyperIn, (long) h * w,
          null, null);
    }
  }
}
