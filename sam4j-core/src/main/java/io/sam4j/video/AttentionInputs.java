package io.sam4j.video;

import io.sam4j.modeling.sam2.memory.TrackerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one object's memory attention reads on one frame, as the graph takes it: the memories
 * {@link MemorySelection} picks that are still stored, stacked [F * mem * T] (bfloat16 promoted to
 * float32), their {@code maskmem_tpos_enc} rows [F], the object pointers [P * C] and their
 * temporal positions [P].
 */
record AttentionInputs(float[] memory, float[] slots, float[] pointers, float[] pointerPos) {

  /** Memory frames F. */
  int memoryFrames() {
    return slots.length;
  }

  /** Object pointers P. */
  int pointerCount() {
    return pointerPos.length;
  }

  /** The inputs of {@code obj} on {@code frame} ({@code _prepare_memory_conditioned_features}). */
  static AttentionInputs gather(TrackerSpec spec, ObjectState obj, int frame, boolean reverse,
      int numFrames, MemoryStore store) {
    List<Map<Integer, FrameOutput>> sel = MemorySelection.closestCond(frame, obj.cond,
        spec.maxCondFramesInAttn());
    List<MemorySelection.Memory> mems = MemorySelection.memories(spec, obj, frame, reverse,
        sel.get(0), sel.get(1));
    List<MemorySelection.Pointer> ptrs = MemorySelection.pointers(spec, obj, frame, reverse,
        numFrames, sel.get(0), sel.get(1));
    List<float[]> feats = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    for (MemorySelection.Memory m : mems) {
      float[] v = m.out().maskmem() == null ? null : store.get(m.out().maskmem());
      if (v != null) {
        feats.add(v);
        slots.add(m.slot());
      }
    }
    int per = feats.isEmpty() ? 0 : feats.get(0).length;
    float[] memory = new float[per * feats.size()];
    float[] slot = new float[feats.size()];
    for (int i = 0; i < feats.size(); i++) {
      System.arraycopy(feats.get(i), 0, memory, i * per, per);
      slot[i] = slots.get(i);
    }
    int c = spec.hiddenDim();
    float[] ptr = new float[ptrs.size() * c];
    float[] pos = new float[ptrs.size()];
    for (int i = 0; i < ptrs.size(); i++) {
      System.arraycopy(ptrs.get(i).ptr(), 0, ptr, i * c, c);
      pos[i] = ptrs.get(i).pos();
    }
    return new AttentionInputs(memory, slot, ptr, pos);
  }
}
