package io.sam4j.modeling.sam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.ImageEncoder;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.edgesam.RepViT;
import io.sam4j.modeling.edgesam.RepVitSpec;
import io.sam4j.modeling.mobilesam.TinyViT;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
  public static ImageEncoder imageEncoder(StateDict sd, ModelSpec spec, Precision precision) {
    if (spec.encoder() instanceof ModelSpec.VitSpec v) {
      return new ImageEncoderViT(sd, v, precision);
    }
    if (spec.encoder() instanceof RepVitSpec r) {
      return new RepViT(sd, r);
    }
    return new TinyViT(sd, (ModelSpec.TinyVitSpec) spec.encoder(), precision);
  }

  /**
   * The encoder graph.
   *
   * @param taps names of intermediate modules to expose as extra outputs (for diagnosis)
   */
  public static OnnxModel encoder(StateDict sd, ModelSpec spec, List<String> taps) {
    return encoder(sd, spec, taps, GraphBuilder.DEFAULT_INLINE_LIMIT, Precision.FP32);
  }

  /**
   * The encoder graph, keeping weights beyond {@code inlineLimit} bytes out of the protobuf (they
   * are handed to the runtime separately; ViT-H needs this to stay under protobuf's 2 GiB).
   */
  public static OnnxModel encoder(StateDict sd, ModelSpec spec, List<String> taps,
      long inlineLimit, Precision precision) {
    return encoder(new GraphBuilder("sam4j_image_encoder"), sd, spec, taps, inlineLimit, precision);
  }

  /**
   * The encoder graph on a builder of the caller's (one with a {@link
   * io.sam4j.graph.LayerRewriter}, say), with float32 layers wherever the rewriter keeps them.
   */
  public static OnnxModel encoder(GraphBuilder g, StateDict sd, ModelSpec spec) {
    return encoder(g, sd, spec, List.of(), GraphBuilder.DEFAULT_INLINE_LIMIT, Precision.FP32);
  }

  /** The fp32 encoder graph in standard ONNX operators only, for other runtimes. */
  public static OnnxModel exportEncoder(StateDict sd, ModelSpec spec) {
    return encoder(new GraphBuilder("sam4j_image_encoder", true), sd, spec, List.of(),
        GraphBuilder.DEFAULT_INLINE_LIMIT, Precision.FP32);
  }

  private static OnnxModel encoder(GraphBuilder g, StateDict sd, ModelSpec spec,
      List<String> taps, long inlineLimit, Precision precision) {
    int s = spec.imageSize();
    Value image = g.input(IMAGE, ElemType.FLOAT, 1, 3, s, s);
    Map<String, Value> found = new LinkedHashMap<>();
    Value emb = imageEncoder(sd, spec, precision).build(g, image, found);
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

  /** Decoder cache: the image tokens plus the no-mask embedding [1, hw, C]. */
  public static final String IMAGE_TOKENS = "image_tokens";
  /** Decoder cache: {@link #IMAGE_TOKENS} plus the positional encoding [1, hw, C]. */
  public static final String IMAGE_TOKENS_PE = "image_tokens_pe";
  /** Decoder cache: the first block's token-to-image keys [1, heads, hw, c]. */
  public static final String FIRST_KEYS = "first_keys";
  /** Decoder cache: the first block's token-to-image values [1, heads, hw, c]. */
  public static final String FIRST_VALUES = "first_values";
  /**
   * Decoder cache: the first block's image-to-token queries, scaled by 1/sqrt(c) and transposed,
   * [1, heads, c, hw].
   */
  public static final String FIRST_QUERIES = "first_queries";
  /** The decoder cache's tensors, in order. */
  public static final List<String> CACHE = List.of(IMAGE_TOKENS, IMAGE_TOKENS_PE, FIRST_KEYS,
      FIRST_VALUES, FIRST_QUERIES);

  /**
   * What the prompt decoder needs of an image before any prompt, when no prompt has a mask input:
   * {@link #IMAGE_EMBEDDINGS} to the {@link #CACHE} tensors. Run once per image.
   */
  public static OnnxModel decoderPrologue(StateDict sd, ModelSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_prompt_decoder_prologue");
    int c = spec.promptEmbedDim();
    int e = spec.embeddingSize();
    Value emb = g.input(IMAGE_EMBEDDINGS, ElemType.FLOAT, 1, c, e, e);
    PromptEncoder pe = new PromptEncoder(sd, c, spec.imageSize());
    MaskDecoder md = new MaskDecoder(new Layers(g, sd), spec.decoder(), spec.embeddingSize());
    Value peTokens = md.peTokens(pe.denseImagePe(g), e, e);
    cacheOutputs(g, md.imageSide(emb, pe.noMaskEmbedding(g), peTokens, e, e, true));
    return g.build();
  }

  /**
   * Declares an image side shared by every prompt (with its first block's projections, see
   * {@link TwoWayTransformer#firstBlockProjections}) as the {@link #CACHE} outputs.
   */
  public static void cacheOutputs(GraphBuilder g, TwoWayTransformer.ImageSide side) {
    g.output(IMAGE_TOKENS, side.tokens());
    g.output(IMAGE_TOKENS_PE, side.tokensPlusPe());
    g.output(FIRST_KEYS, side.firstBlock()[0]);
    g.output(FIRST_VALUES, side.firstBlock()[1]);
    g.output(FIRST_QUERIES, side.firstBlock()[2]);
  }

  /**
   * The {@link #CACHE} tensors as graph inputs: the image side of a decoder stage that runs after
   * a prologue.
   *
   * @param hw the number of image tokens (e x e)
   * @param c the decoder width C
   * @param heads the two-way transformer's attention heads
   */
  public static TwoWayTransformer.ImageSide cacheInputs(GraphBuilder g, long hw, int c,
      int heads) {
    return new TwoWayTransformer.ImageSide(
        g.input(IMAGE_TOKENS, ElemType.FLOAT, 1, hw, c),
        g.input(IMAGE_TOKENS_PE, ElemType.FLOAT, 1, hw, c),
        new Value[] {g.input(FIRST_KEYS, ElemType.FLOAT, 1, heads, hw, "head_dim"),
            g.input(FIRST_VALUES, ElemType.FLOAT, 1, heads, hw, "head_dim"),
            g.input(FIRST_QUERIES, ElemType.FLOAT, 1, heads, "query_head_dim", hw)});
  }

  /**
   * The prompt decoder graph (prompt encoder and mask decoder) for prompts with a mask input:
   * inputs {@link #IMAGE_EMBEDDINGS}, points, {@link #MASK_INPUT} and {@link #HAS_MASK_INPUT}.
   */
  public static OnnxModel decoder(StateDict sd, ModelSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_prompt_decoder_mask");
    Value[] out = decoderBody(g, sd, spec);
    g.output(LOW_RES_MASKS, out[0]);
    g.output(IOU_PREDICTIONS, out[1]);
    return g.build();
  }

  /** Decoder tokens stage output: the hypernetworks' outputs [B, M, C/8]. */
  public static final String HYPER_IN = "hyper_in";
  /** Decoder tokens stage output: the image tokens after the transformer [B, hw, C]. */
  public static final String FINAL_KEYS = "final_keys";
  /**
   * Decoder masks stage output: the low-res logits of every mask token in sub-pixel order
   * [B', hw * 16, M]; {@link #subPixelToImage} puts them in image order.
   */
  public static final String LOW_RES_SUBPIXEL = "low_res_masks_subpixel";
  /** Decoder masks stage input: which prompts of the batch to make masks for, [B'] (floats). */
  public static final String SELECTED = "selected";

  /**
   * The first stage of the decoder for prompts without mask input: from the {@link #CACHE}
   * tensors and the points to {@link #IOU_PREDICTIONS}, {@link #HYPER_IN} and {@link #FINAL_KEYS}.
   * The masks stage then runs only for the prompts whose IoU predictions are worth it.
   */
  public static OnnxModel decoderTokens(StateDict sd, ModelSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_prompt_decoder_tokens");
    int c = spec.promptEmbedDim();
    int e = spec.embeddingSize();
    MaskDecoder md = new MaskDecoder(new Layers(g, sd), spec.decoder(), spec.embeddingSize());
    PromptEncoder pe = new PromptEncoder(sd, c, spec.imageSize());
    TwoWayTransformer.ImageSide side =
        cacheInputs(g, (long) e * e, c, spec.decoder().numHeads());
    Value coords = g.input(POINT_COORDS, ElemType.FLOAT, "batch", "points", 2);
    Value labels = g.input(POINT_LABELS, ElemType.FLOAT, "batch", "points");
    MaskDecoder.Tokens t = md.tokens(side, md.peTokens(pe.denseImagePe(g), e, e),
        pe.sparse(g, coords, labels));
    g.output(IOU_PREDICTIONS, t.iou());
    g.output(HYPER_IN, t.hyperIn());
    g.output(FINAL_KEYS, t.keys());
    return g.build();
  }

  /**
   * The second stage: low-res masks for the {@link #SELECTED} prompts of a tokens-stage batch,
   * from its {@link #FINAL_KEYS} and {@link #HYPER_IN}.
   */
  public static OnnxModel decoderMasks(StateDict sd, ModelSpec spec) {
    return decoderMasks(sd, spec, true);
  }

  /**
   * The second stage for every prompt of a tokens-stage batch (no {@link #SELECTED} input): spares
   * the copy of the image tokens that selecting makes (0.5 ms per prompt) when all need masks.
   */
  public static OnnxModel decoderMasksForAll(StateDict sd, ModelSpec spec) {
    return decoderMasks(sd, spec, false);
  }

  private static OnnxModel decoderMasks(StateDict sd, ModelSpec spec, boolean select) {
    GraphBuilder g = new GraphBuilder("sam4j_prompt_decoder_masks");
    int c = spec.promptEmbedDim();
    int e = spec.embeddingSize();
    int masks = spec.decoder().numMultimaskOutputs() + 1;
    Value keys = g.input(FINAL_KEYS, ElemType.FLOAT, "batch", e * e, c);
    Value hyper = g.input(HYPER_IN, ElemType.FLOAT, "batch", masks, c / 8);
    if (select) {
      Value selected = g.node("Cast", g.input(SELECTED, ElemType.FLOAT, "selected"))
          .attr("to", 7L).out();
      keys = g.node("Gather", keys, selected).attr("axis", 0L).out();
      hyper = g.node("Gather", hyper, selected).attr("axis", 0L).out();
    }
    MaskDecoder md = new MaskDecoder(new Layers(g, sd), spec.decoder(), spec.embeddingSize());
    g.output(LOW_RES_SUBPIXEL, md.masksSubPixel(keys, hyper, e, e));
    return g.build();
  }

  /**
   * The masks stage's {@link #LOW_RES_SUBPIXEL} logits in image order, as {@link #LOW_RES_MASKS}:
   * [B', M, 4e, 4e] for an embedding of side e. Reads the source once, in order.
   */
  public static float[] subPixelToImage(float[] sub, int masks, int e) {
    int side = 4 * e;
    int perPrompt = masks * side * side;
    float[] out = new float[sub.length];
    IntStream range = IntStream.range(0, sub.length / perPrompt);
    (sub.length > perPrompt ? range.parallel() : range).forEach(b -> {
      int base = b * perPrompt;
      int i = base;
      for (int y = 0; y < e; y++) {
        for (int x = 0; x < e; x++) {
          // the 16 sub-pixels (ki, kj, ki2, kj2) of pixel (y, x), each with its M masks
          for (int s = 0; s < 16; s++) {
            int row = 4 * y + 2 * (s >> 3) + ((s >> 1) & 1);
            int col = 4 * x + 2 * ((s >> 2) & 1) + (s & 1);
            int at = base + row * side + col;
            for (int m = 0; m < masks; m++) {
              out[at + m * side * side] = sub[i++];
            }
          }
        }
      }
    });
    return out;
  }

  /**
   * Masks {@code first .. first + count - 1} of prompt {@code prompt} of the masks stage's
   * {@link #LOW_RES_SUBPIXEL} logits, each in image order [4e * 4e]: what {@link #subPixelToImage}
   * would give for them, without reordering the masks nobody reads.
   */
  public static float[][] subPixelMasks(float[] sub, int masks, int e, int prompt, int first,
      int count) {
    int side = 4 * e;
    float[][] out = new float[count][side * side];
    int i = prompt * masks * side * side + first;
    for (int y = 0; y < e; y++) {
      for (int x = 0; x < e; x++) {
        for (int s = 0; s < 16; s++) {
          int at = (4 * y + 2 * (s >> 3) + ((s >> 1) & 1)) * side
              + 4 * x + 2 * ((s >> 2) & 1) + (s & 1);
          for (int m = 0; m < count; m++) {
            out[m][at] = sub[i + m];
          }
          i += masks;
        }
      }
    }
    return out;
  }

  /** Export input: the original image size (H, W) as floats, as the reference export takes it. */
  public static final String ORIG_IM_SIZE = "orig_im_size";
  /** Export output: mask logits at the original size [B, M, H, W]. */
  public static final String MASKS = "masks";

  /**
   * The prompt decoder with the interface of the reference's ONNX export ({@code SamOnnxModel}):
   * inputs {@code image_embeddings, point_coords, point_labels, mask_input, has_mask_input,
   * orig_im_size}, outputs {@code masks} (logits upscaled to the original size),
   * {@code iou_predictions} and {@code low_res_masks}, all four mask tokens. Point coordinates are
   * in the resized 1024 frame; the caller adds the padding point (label -1) when there is no box,
   * as with the reference export.
   */
  public static OnnxModel exportDecoder(StateDict sd, ModelSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_prompt_decoder_export", true);
    Value[] out = decoderBody(g, sd, spec);
    Value orig = g.input(ORIG_IM_SIZE, ElemType.FLOAT, 2);
    Value masks;
    try (GraphBuilder.Scope s = g.scope("mask_postprocessing")) {
      int pad = spec.imageSize();
      Value up = resize(g, out[0], g.ints(pad, pad));
      // prepadded size: floor(orig * (pad / max(orig)) + 0.5)
      Value scale = g.op("Div", g.scalar(pad), g.node("ReduceMax", orig).attr("keepdims", 0L).out());
      Value pre = g.node("Cast", g.op("Floor", g.op("Add", g.op("Mul", orig, scale),
          g.scalar(0.5f)))).attr("to", 7L).out();
      Value cropped = g.op("Slice", up, g.ints(0, 0), pre, g.ints(2, 3));
      Value origInt = g.node("Cast", orig).attr("to", 7L).out();
      masks = resize(g, cropped, origInt);
    }
    g.output(MASKS, masks);
    g.output(IOU_PREDICTIONS, out[1]);
    g.output(LOW_RES_MASKS, out[0]);
    return g.build();
  }

  /** Bilinear Resize (align_corners=false, no antialiasing) of NCHW to {@code hw} (int64 [2]). */
  private static Value resize(GraphBuilder g, Value x, Value hw) {
    Value nc = g.node("Slice", g.op("Shape", x), g.ints(0), g.ints(2)).out();
    Value sizes = g.node("Concat", nc, hw).attr("axis", 0L).out();
    return g.node("Resize", x, null, null, sizes).attr("mode", "linear")
        .attr("coordinate_transformation_mode", "half_pixel").out();
  }

  private static Value[] decoderBody(GraphBuilder g, StateDict sd, ModelSpec spec) {
    int c = spec.promptEmbedDim();
    int e = spec.embeddingSize();
    int m = spec.lowResSize();
    MaskDecoder md = new MaskDecoder(new Layers(g, sd), spec.decoder(), spec.embeddingSize());
    PromptEncoder pe = new PromptEncoder(sd, c, spec.imageSize());
    Value emb = g.input(IMAGE_EMBEDDINGS, ElemType.FLOAT, 1, c, e, e);
    Value coords = g.input(POINT_COORDS, ElemType.FLOAT, "batch", "points", 2);
    Value labels = g.input(POINT_LABELS, ElemType.FLOAT, "batch", "points");
    Value sparse = pe.sparse(g, coords, labels);
    Value peTokens = md.peTokens(pe.denseImagePe(g), e, e);
    Value mask = g.input(MASK_INPUT, ElemType.FLOAT, "batch", 1, m, m);
    Value hasMask = g.input(HAS_MASK_INPUT, ElemType.FLOAT, "batch");
    TwoWayTransformer.ImageSide side =
        md.imageSide(emb, pe.dense(g, mask, hasMask), peTokens, e, e, false);
    return md.build(side, peTokens, sparse, e, e);
  }
}
