package io.sam4j.modeling;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the two graphs of a SAM-family model: the image encoder ({@code image} to
 * {@code image_embeddings}) and the prompt decoder (prompt encoder plus mask decoder).
 */
public final class SamGraphs {
  /** Encoder input: normalized, zero-padded image [1, 3, S, S]. */
  public static final String IMAGE = "image";
  /** Encoder output and decoder input: [1, C, S/16, S/16]. */
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  /** Decoder input: [B, N, 2] XY pixel coordinates in the resized frame. */
  public static final String POINT_COORDS = "point_coords";
  /** Decoder input: [B, N] labels 1, 0, -1 (padding), 2, 3 (box corners). */
  public static final String POINT_LABELS = "point_labels";
  /** Decoder input: [B, 1, 4h, 4w] previous low-res logits. */
  public static final String MASK_INPUT = "mask_input";
  /** Decoder input: [B], 1 where {@code mask_input} is used. */
  public static final String HAS_MASK_INPUT = "has_mask_input";
  /** Decoder output: [B, M, 4h, 4w] logits for every mask token. */
  public static final String LOW_RES_MASKS = "low_res_masks";
  /** Decoder output: [B, M]. */
  public static final String IOU_PREDICTIONS = "iou_predictions";

  private SamGraphs() {}

  /** The image encoder for a spec. */
  public static ImageEncoder imageEncoder(StateDict sd, ModelSpec spec) {
    if (spec.encoder() instanceof ModelSpec.VitSpec v) {
      return new ImageEncoderViT(sd, v);
    }
    return new TinyViT(sd, (ModelSpec.TinyVitSpec) spec.encoder());
  }

  /**
   * The encoder graph.
   *
   * @param taps names of intermediate modules to expose as extra outputs (for diagnosis)
   */
  public static OnnxModel encoder(StateDict sd, ModelSpec spec, List<String> taps) {
    return encoder(sd, spec, taps, GraphBuilder.DEFAULT_INLINE_LIMIT);
  }

  /**
   * The encoder graph, keeping weights beyond {@code inlineLimit} bytes out of the protobuf (they
   * are handed to the runtime separately; ViT-H needs this to stay under protobuf's 2 GiB).
   */
  public static OnnxModel encoder(StateDict sd, ModelSpec spec, List<String> taps,
      long inlineLimit) {
    GraphBuilder g = new GraphBuilder("sam4j_image_encoder");
    int s = spec.imageSize();
    Value image = g.input(IMAGE, ElemType.FLOAT, 1, 3, s, s);
    Map<String, Value> found = new LinkedHashMap<>();
    Value emb = imageEncoder(sd, spec).build(g, image, found);
    g.output(IMAGE_EMBEDDINGS, emb);
    for (String t : taps) {
      Value v = found.get(t);
      if (v == null) {
        throw new IllegalArgumentException("no module '" + t + "'; known: " + found.keySet());
      }
      g.output(t, v);
    }
    return g.build(inlineLimit);
  }

  /**
   * The prompt decoder graph (prompt encoder and mask decoder).
   *
   * @param withMaskInput whether the graph takes {@link #MASK_INPUT} and {@link #HAS_MASK_INPUT};
   *     without them, every prompt uses the no-mask embedding and the first block's image-side
   *     work is done once per batch
   */
  public static OnnxModel decoder(StateDict sd, ModelSpec spec, boolean withMaskInput) {
    GraphBuilder g = new GraphBuilder(withMaskInput ? "sam4j_prompt_decoder_mask"
        : "sam4j_prompt_decoder");
    int c = spec.promptEmbedDim();
    int e = spec.embeddingSize();
    int m = spec.lowResSize();
    Value emb = g.input(IMAGE_EMBEDDINGS, ElemType.FLOAT, 1, c, e, e);
    Value coords = g.input(POINT_COORDS, ElemType.FLOAT, "batch", "points", 2);
    Value labels = g.input(POINT_LABELS, ElemType.FLOAT, "batch", "points");
    PromptEncoder pe = new PromptEncoder(sd, c, spec.imageSize());
    Value sparse = pe.sparse(g, coords, labels);
    Value dense = null;
    if (withMaskInput) {
      Value mask = g.input(MASK_INPUT, ElemType.FLOAT, "batch", 1, m, m);
      Value hasMask = g.input(HAS_MASK_INPUT, ElemType.FLOAT, "batch");
      dense = pe.dense(g, mask, hasMask);
    }
    Value imagePe = pe.denseImagePe(g);
    Value[] out = new MaskDecoder(new Layers(g, sd), spec.decoder())
        .build(emb, imagePe, sparse, dense, pe.noMaskEmbedding(g), e, e);
    g.output(LOW_RES_MASKS, out[0]);
    g.output(IOU_PREDICTIONS, out[1]);
    return g.build();
  }
}
