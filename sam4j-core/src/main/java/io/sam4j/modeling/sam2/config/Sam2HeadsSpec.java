package io.sam4j.modeling.sam2.config;

/**
 * The {@code SAM2Base} flags that shape the prompt encoder and mask decoder ({@code _build_sam_heads}),
 * with the builder's {@code sam_mask_decoder_extra_args}. The decoder's own sizes are hard-coded in
 * the reference (two-way transformer depth 2, 8 heads, MLP 2048, IoU head hidden 256,
 * {@code mask_in_chans} 16) and follow from the hidden dimension.
 *
 * @param useHighResFeaturesInSam the decoder adds {@code conv_s0}/{@code conv_s1} skip features
 * @param predObjScores the decoder has an object-score token and head
 * @param predObjScoresMlp the object-score head is a 3-layer MLP (else one linear layer)
 * @param iouPredictionUseSigmoid IoU predictions go through a sigmoid
 * @param useMultimaskTokenForObjPtr the object pointer uses the selected multimask token
 * @param dynamicMultimaskViaStability single-mask requests fall back to the best multimask output
 *     when token 0's stability is below {@code dynamicMultimaskStabilityThresh}
 * @param dynamicMultimaskStabilityDelta the logit offset of that stability (0.05)
 * @param dynamicMultimaskStabilityThresh its threshold (0.98)
 */
public record Sam2HeadsSpec(boolean useHighResFeaturesInSam, boolean predObjScores,
    boolean predObjScoresMlp, boolean iouPredictionUseSigmoid, boolean useMultimaskTokenForObjPtr,
    boolean dynamicMultimaskViaStability, double dynamicMultimaskStabilityDelta,
    double dynamicMultimaskStabilityThresh) {}
