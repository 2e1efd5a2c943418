package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.Sam2Graphs;

/**
 * The SAM 2 family's video graphs and their contract (input and output names). C is the hidden
 * width, mem the memory width, e the feature grid side (S/16), S the input side, L = S/4.
 * <ul>
 *   <li>{@link #memoryEncoder}: {@code SAM2Base._encode_new_memory} (memory encoder, no-object
 *       embedding, then the family's {@link MemoryCompressor}).
 *   <li>{@link #memoryAttentionFrame}: its first part, which sees only the frame (shared by
 *       the objects).
 *   <li>{@link #memoryAttention}: {@code _prepare_memory_conditioned_features} from the memories
 *       already selected: memory tokens and their spatial plus temporal encodings, object pointers
 *       split into mem-wide tokens with their temporal encodings, then {@link MemoryAttention}.
 *   <li>{@link #objectPointer}: {@code obj_ptr_proj} of a mask token.
 *   <li>{@link #maskDownsample}: {@code mask_downsample} of a mask input (for its pointer).
 * </ul>
 */
public final class MemoryGraphs {
  /** Memory encoder input: the frame's raw top-level features [B, C, e, e]. */
  public static final String VISION_FEATURES = Sam2Graphs.VISION_FEATURES;
  /** Memory encoder input: the mask logits [B, 1, L, L] (upsampled to S x S inside). */
  public static final String MASK_LOGITS = "mask_logits";
  /** Memory encoder input: [B], 1 to binarise the mask ({@code > 0}), 0 for its sigmoid. */
  public static final String BINARIZE = "binarize";
  /** Memory encoder input: [B, 1] the object-score logits (no-object embedding where <= 0). */
  public static final String OBJECT_SCORE_LOGITS = "object_score_logits";
  /** Memory encoder output: [B, mem, e, e] in float32 (the predictor stores it as bfloat16). */
  public static final String MASKMEM_FEATURES = "maskmem_features";

  /**
   * Memory attention input: [1, N, C] the frame's tokens after the first layer's self-attention
   * (N = e*e), the output of {@link #memoryAttentionFrame}, the same for every object.
   */
  public static final String FRAME_TOKENS = "frame_tokens";
  /** Memory attention input: the selected memories stacked, [F, mem, e, e] for SAM 2, F >= 1. */
  public static final String MEMORY = "memory";
  /** Memory attention input: [F] index into {@code maskmem_tpos_enc} of each memory, as floats. */
  public static final String MEMORY_TPOS_SLOT = "memory_tpos_slot";
  /** Memory attention input: [P, C] object pointers, P >= 0. */
  public static final String OBJ_PTRS = "obj_ptrs";
  /** Memory attention input: [P] pointer positions already divided by the largest distance. */
  public static final String OBJ_PTR_TPOS = "obj_ptr_tpos";
  /** Memory attention output: [1, C, e, e] the memory-conditioned features. */
  public static final String PIX_FEAT_WITH_MEM = "pix_feat_with_mem";

  /** Pointer input: [B, C] the chosen mask token. */
  public static final String SAM_TOKEN = "sam_token";
  /** Pointer output: [B, C] {@code obj_ptr_proj(sam_token)} (no-object mixing is the caller's). */
  public static final String OBJ_PTR = "obj_ptr";

  /** Mask-downsample input: [B, 1, S, S] a binary mask as floats. */
  public static final String MASK = "mask";
  /** Mask-downsample output: [B, 1, L, L]. */
  public static final String MASK_DOWNSAMPLED = "mask_downsampled";

  private MemoryGraphs() {}

  /**
   * The part of the memory attention that sees only the current frame ({@link
   * MemoryAttention#frameTokens}): {@link #VISION_FEATURES} [1, C, e, e] to {@link #FRAME_TOKENS}
   * [1, e*e, C]. Run once per frame and shared by the objects' {@link #memoryAttention}.
   *
   * @param visionPos the position encoding of the top-level features [C, e, e] (the neck's)
   */
  public static OnnxModel memoryAttentionFrame(StateDict sd, TrackerSpec spec,
      float[] visionPos) {
    return memoryAttentionFrame(new GraphBuilder("sam4j_sam2_memory_attention_frame"), sd, spec,
        visionPos);
  }

  /** {@link #memoryAttentionFrame} on a given builder (a rewriter may write its layers). */
  public static OnnxModel memoryAttentionFrame(GraphBuilder g, StateDict sd, TrackerSpec spec,
      float[] visionPos) {
    Layers nn = new Layers(g, sd);
    int c = spec.hiddenDim();
    int e = spec.featureSize();
    long hw = (long) e * e;
    Value feats = g.input(VISION_FEATURES, ElemType.FLOAT, 1, c, e, e);
    Value curr = nn.transpose(nn.reshape(feats, 1, c, hw), 0, 2, 1);
    Value currPos = nn.transpose(g.weight("vision_pos_enc.top", visionPos, 1, c, hw), 0, 2, 1);
    MemoryAttention ma = new MemoryAttention(nn, spec.memoryAttention(), e,
        (l, prefix, s, grid) -> null);
    g.output(FRAME_TOKENS, ma.frameTokens(curr, currPos));
    return g.build();
  }

  /** The memory encoder graph; {@code compressor} runs after it (SAM 2: none). */
  public static OnnxModel memoryEncoder(StateDict sd, TrackerSpec spec,
      MemoryCompressor compressor) {
    return memoryEncoder(new GraphBuilder("sam4j_sam2_memory_encoder"), sd, spec, compressor);
  }

  /** {@link #memoryEncoder} on a given builder (a rewriter may write its layers). */
  public static OnnxModel memoryEncoder(GraphBuilder g, StateDict sd, TrackerSpec spec,
      MemoryCompressor compressor) {
    Layers nn = new Layers(g, sd);
    int c = spec.memoryEncoder().inDim();
    int e = spec.featureSize();
    int low = spec.lowResSize();
    int s = spec.imageSize();
    Value feats = g.input(VISION_FEATURES, ElemType.FLOAT, "batch", c, e, e);
    Value logits = g.input(MASK_LOGITS, ElemType.FLOAT, "batch", 1, low, low);
    Value binarize = g.input(BINARIZE, ElemType.FLOAT, "batch");
    Value score = g.input(OBJECT_SCORE_LOGITS, ElemType.FLOAT, "batch", 1);
    float up = (float) s / low;
    Value high = g.node("Resize", logits, null, g.floats(new float[] {1, 1, up, up}, 4))
        .attr("mode", "linear").attr("coordinate_transformation_mode", "half_pixel").out();
    Value hard = g.node("Cast", g.op("Greater", high, g.scalar(0f))).attr("to", 1L).out();
    Value soft = g.op("Sigmoid", high);
    Value useHard = g.op("Greater", nn.reshape(binarize, -1, 1, 1, 1), g.scalar(0.5f));
    Value mask = g.op("Where", useHard, hard, soft);
    if (spec.sigmoidScaleForMemEnc() != 1f) {
      mask = nn.mul(mask, g.scalar(spec.sigmoidScaleForMemEnc()));
    }
    if (spec.sigmoidBiasForMemEnc() != 0f) {
      mask = nn.add(mask, g.scalar(spec.sigmoidBiasForMemEnc()));
    }
    Value x = MemoryEncoder.build(nn, spec.memoryEncoder(), feats, mask);
    if (spec.noObjEmbedSpatial()) {
      Value absent = g.op("Sub", g.scalar(1f), g.node("Cast", g.op("Greater", score,
          g.scalar(0f))).attr("to", 1L).out());
      Tensor t = sd.get("no_obj_embed_spatial");
      Value embed = g.weight("no_obj_embed_spatial.nchw", t.toFloatArray(), 1, t.numel(), 1, 1);
      x = nn.add(x, nn.mul(nn.reshape(absent, -1, 1, 1, 1), embed));
    }
    g.output(MASKMEM_FEATURES, compressor.compress(nn, x));
    return g.build();
  }

  /**
   * The memory attention graph of one object, from the frame's {@link #FRAME_TOKENS}.
   *
   * @param visionPos the position encoding of the top-level features [C, e, e] (the neck's)
   * @param cross the layers' cross-attention
   */
  public static OnnxModel memoryAttention(StateDict sd, TrackerSpec spec, float[] visionPos,
      CrossAttention.Factory cross) {
    return memoryAttention(sd, spec, visionPos, cross, MemoryCompressor.NONE);
  }

  /**
   * The memory attention graph over memories a {@code compressor} made: its input
   * {@link #MEMORY} is then [F, mem, T] with T = {@link MemoryCompressor#tokens} (when T is not
   * e*e) and the memories' position encoding is the compressor's.
   */
  public static OnnxModel memoryAttention(StateDict sd, TrackerSpec spec, float[] visionPos,
      CrossAttention.Factory cross, MemoryCompressor compressor) {
    return memoryAttention(new GraphBuilder("sam4j_sam2_memory_attention"), sd, spec, visionPos,
        cross, compressor);
  }

  /** {@link #memoryAttention} on a given builder (a rewriter may write its layers). */
  public static OnnxModel memoryAttention(GraphBuilder g, StateDict sd, TrackerSpec spec,
      float[] visionPos, CrossAttention.Factory cross, MemoryCompressor compressor) {
    Layers nn = new Layers(g, sd);
    int c = spec.hiddenDim();
    int m = spec.memDim();
    int e = spec.featureSize();
    long hw = (long) e * e;
    long tokens = compressor.tokens(e);
    Value frame = g.input(FRAME_TOKENS, ElemType.FLOAT, 1, hw, c);
    Value memory = tokens == hw ? g.input(MEMORY, ElemType.FLOAT, "frames", m, e, e)
        : g.input(MEMORY, ElemType.FLOAT, "frames", m, tokens);
    Value slots = g.input(MEMORY_TPOS_SLOT, ElemType.FLOAT, "frames");
    Value ptrs = g.input(OBJ_PTRS, ElemType.FLOAT, "pointers", c);
    Value ptrPos = g.input(OBJ_PTR_TPOS, ElemType.FLOAT, "pointers");

    Value currPos = nn.transpose(g.weight("vision_pos_enc.top", visionPos, 1, c, hw), 0, 2, 1);
    // memories: [F, mem, e, e] -> [1, F*HW, mem]; position = maskmem_pos_enc + tpos[slot]
    Value memTokens = nn.reshape(nn.transpose(nn.reshape(memory, -1, m, tokens), 0, 2, 1), 1, -1,
        m);
    float[] pe = compressor.positionEncoding(spec.memoryEncoder(), e);
    Value peTokens = nn.transpose(g.weight("maskmem_pos_enc", pe, 1, m, tokens), 0, 2, 1);
    Tensor tpos = sd.get("maskmem_tpos_enc");
    Value table = g.weight("maskmem_tpos_enc.rows", tpos.toFloatArray(), spec.numMaskmem(), m);
    Value rows = g.op("Gather", table, g.node("Cast", slots).attr("to", 7L).out());
    Value memPos = nn.reshape(nn.add(peTokens, nn.reshape(rows, -1, 1, m)), 1, -1, m);
    // object pointers: [P, C] -> [1, P*C/mem, mem]; positions: sine -> tpos proj -> repeated
    int split = spec.tokensPerPointer();
    Value ptrTokens = nn.reshape(ptrs, 1, -1, m);
    Value ptrPosTokens;
    if (spec.addTposEncToObjPtrs()) {
      int dim = spec.projTposEncInObjPtrs() ? c : m;
      Value sine = sine1d(g, nn, ptrPos, dim);
      Value proj = spec.projTposEncInObjPtrs() ? nn.linear("obj_ptr_tpos_proj", sine) : sine;
      Value rep = g.op("Expand", g.op("Unsqueeze", proj, g.ints(1)),
          g.ints(1, split, m));
      ptrPosTokens = nn.reshape(rep, 1, -1, m);
    } else {
      ptrPosTokens = g.op("Mul", ptrTokens, g.scalar(0f));
    }
    Value out = new MemoryAttention(nn, spec.memoryAttention(), e, cross)
        .attend(frame, currPos, memTokens, memPos, ptrTokens, ptrPosTokens);
    g.output(PIX_FEAT_WITH_MEM, nn.reshape(nn.transpose(out, 0, 2, 1), 1, c, e, e));
    return g.build();
  }

  /** {@code get_1d_sine_pe(pos, dim)}: [P] to [P, dim] = cat(sin(pos / d_i), cos(pos / d_i)). */
  static Value sine1d(GraphBuilder g, Layers nn, Value pos, int dim) {
    int half = dim / 2;
    float[] dimT = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * (i / 2)) / half;
      dimT[i] = (float) Math.pow(10000.0, exponent);
    }
    Value x = g.op("Div", g.op("Unsqueeze", pos, g.ints(1)), g.floats(dimT, 1, half));
    return g.node("Concat", g.op("Sin", x), g.op("Cos", x)).attr("axis", 1L).out();
  }

  /** The object-pointer projection ({@code obj_ptr_proj}: a linear layer or a 3-layer MLP). */
  public static OnnxModel objectPointer(StateDict sd, TrackerSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_sam2_obj_ptr");
    Layers nn = new Layers(g, sd);
    Value x = g.input(SAM_TOKEN, ElemType.FLOAT, "batch", spec.hiddenDim());
    if (spec.useMlpForObjPtrProj()) {
      int n = sd.countIndexed("obj_ptr_proj.layers.");
      for (int i = 0; i < n; i++) {
        x = nn.linear("obj_ptr_proj.layers." + i, x);
        if (i < n - 1) {
          x = nn.relu(x);
        }
      }
    } else if (spec.useObjPtrsInEncoder()) {
      x = nn.linear("obj_ptr_proj", x);
    } else {
      x = g.op("Identity", x);
    }
    g.output(OBJ_PTR, x);
    return g.build();
  }

  /** {@code mask_downsample}: a 4x4, stride 4 convolution of a binary mask [B, 1, S, S]. */
  public static OnnxModel maskDownsample(StateDict sd, TrackerSpec spec) {
    GraphBuilder g = new GraphBuilder("sam4j_sam2_mask_downsample");
    Layers nn = new Layers(g, sd);
    int s = spec.imageSize();
    Value mask = g.input(MASK, ElemType.FLOAT, "batch", 1, s, s);
    g.output(MASK_DOWNSAMPLED, nn.conv2d("mask_downsample", mask, 4, 0, 1));
    return g.build();
  }
}
