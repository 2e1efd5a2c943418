package io.sam4j.video;

/**
 * What the predictor keeps of one object on one frame (the reference's compact
 * {@code current_out}): its memory (bfloat16; null until the memory encoder ran), its low-res
 * logits after hole filling, its object pointer [C] and its object-score logit. Immutable; the
 * arrays live in the tracker's {@link MemoryStore}.
 */
record FrameOutput(MemoryStore.Ref maskmem, MemoryStore.Ref predMasks, float[] objPtr,
    float objectScore) {

  FrameOutput withMemory(MemoryStore.Ref memory) {
    return new FrameOutput(memory, predMasks, objPtr, objectScore);
  }
}
