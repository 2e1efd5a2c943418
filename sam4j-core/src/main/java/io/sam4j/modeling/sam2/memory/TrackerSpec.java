package io.sam4j.modeling.sam2.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;

/**
 * The video settings of a SAM 2-family model: {@code SAM2Base}'s memory and pointer flags and the
 * video predictor's ({@code fill_hole_area}, ...), read from the video model node the reference's
 * {@code build_sam2_video_predictor} makes ({@link Sam2Config#videoModel}). Field names follow the
 * constructor arguments.
 */
public record TrackerSpec(int imageSize, int hiddenDim, int memDim, int numMaskmem,
    int maxObjPtrsInEncoder, int memoryTemporalStrideForEval, int maxCondFramesInAttn,
    boolean directlyAddNoMemEmbed, boolean useObjPtrsInEncoder, boolean addTposEncToObjPtrs,
    boolean projTposEncInObjPtrs, boolean useSignedTposEncToObjPtrs,
    boolean onlyObjPtrsInThePastForEval, boolean predObjScores, boolean fixedNoObjPtr,
    boolean softNoObjPtr, boolean useMlpForObjPtrProj, boolean noObjEmbedSpatial,
    float sigmoidScaleForMemEnc, float sigmoidBiasForMemEnc,
    boolean binarizeMaskFromPtsForMemEnc, boolean useMaskInputAsOutputWithoutSam,
    boolean multimaskOutputInSam, int multimaskMinPtNum, int multimaskMaxPtNum,
    boolean multimaskOutputForTracking, boolean useMultimaskTokenForObjPtr, int fillHoleArea,
    boolean nonOverlapMasks, boolean nonOverlapMasksForMemEnc,
    boolean clearNonCondMemAroundInput, boolean addAllFramesToCorrectAsCond,
    MemoryEncoderSpec memoryEncoder, MemoryAttentionSpec memoryAttention, JsonNode videoModel) {

  /** The settings of a model's video predictor. */
  public static TrackerSpec of(Sam2ModelSpec spec) {
    JsonNode m = Sam2Config.videoModel(spec);
    return new TrackerSpec(spec.imageSize(), spec.hiddenDim(), spec.memDim(),
        m.path("num_maskmem").asInt(7), m.path("max_obj_ptrs_in_encoder").asInt(16),
        m.path("memory_temporal_stride_for_eval").asInt(1),
        m.path("max_cond_frames_in_attn").asInt(-1), b(m, "directly_add_no_mem_embed"),
        b(m, "use_obj_ptrs_in_encoder"), m.path("add_tpos_enc_to_obj_ptrs").asBoolean(true),
        b(m, "proj_tpos_enc_in_obj_ptrs"), b(m, "use_signed_tpos_enc_to_obj_ptrs"),
        b(m, "only_obj_ptrs_in_the_past_for_eval"), b(m, "pred_obj_scores"),
        b(m, "fixed_no_obj_ptr"), b(m, "soft_no_obj_ptr"), b(m, "use_mlp_for_obj_ptr_proj"),
        b(m, "no_obj_embed_spatial"), (float) m.path("sigmoid_scale_for_mem_enc").asDouble(1),
        (float) m.path("sigmoid_bias_for_mem_enc").asDouble(0),
        b(m, "binarize_mask_from_pts_for_mem_enc"),
        b(m, "use_mask_input_as_output_without_sam"), b(m, "multimask_output_in_sam"),
        m.path("multimask_min_pt_num").asInt(1), m.path("multimask_max_pt_num").asInt(1),
        b(m, "multimask_output_for_tracking"), b(m, "use_multimask_token_for_obj_ptr"),
        m.path("fill_hole_area").asInt(0), b(m, "non_overlap_masks"),
        b(m, "non_overlap_masks_for_mem_enc"), b(m, "clear_non_cond_mem_around_input"),
        b(m, "add_all_frames_to_correct_as_cond"),
        MemoryEncoderSpec.of(m.path("memory_encoder")),
        MemoryAttentionSpec.of(m.path("memory_attention")), m);
  }

  private static boolean b(JsonNode m, String key) {
    return m.path(key).asBoolean(false);
  }

  /** Side of the top-level feature grid (image size / 16). */
  public int featureSize() {
    return imageSize / 16;
  }

  /** Side of the low-resolution mask logits (image size / 4). */
  public int lowResSize() {
    return imageSize / 4;
  }

  /** Number of memory tokens each object pointer is split into ({@code C / mem_dim}). */
  public int tokensPerPointer() {
    return memDim < hiddenDim ? hiddenDim / memDim : 1;
  }
}
