package io.sam4j.video;

/**
 * {@code _forward_sam_heads} after its mask choice: the chosen low-res logits [L*L] (all
 * {@code -1024} when the object score is not positive), the object pointer [C] with no-object
 * mixing applied, and the object-score logit.
 */
record DecoderResult(float[] lowRes, float[] objPtr, float objectScore) {}
