package io.sam4j.video;

import io.sam4j.modeling.sam2.memory.TrackerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which memories and object pointers a frame attends to
 * ({@code SAM2Base._prepare_memory_conditioned_features}): the conditioning frames
 * ({@code maskmem_tpos_enc[num_maskmem - 1]}), then the previous {@code num_maskmem - 1} frames
 * (the next ones in reverse) at the eval stride, the nearest with {@code maskmem_tpos_enc[0]};
 * pointers of the conditioning frames not in the future (signed distance) and of up to
 * {@code min(num_frames, max_obj_ptrs_in_encoder) - 1} previous frames, positions divided by
 * that number minus one.
 */
final class MemorySelection {
  /** A memory and its {@code maskmem_tpos_enc} row. */
  record Memory(FrameOutput out, int slot) {}

  /** A pointer and its temporal position (already divided). */
  record Pointer(float[] ptr, float pos) {}

  private MemorySelection() {}

  /** {@code select_closest_cond_frames}: {selected, unselected}. */
  static List<Map<Integer, FrameOutput>> closestCond(int frame, Map<Integer, FrameOutput> cond,
      int max) {
    Map<Integer, FrameOutput> selected = new LinkedHashMap<>();
    Map<Integer, FrameOutput> unselected = new LinkedHashMap<>();
    if (max == -1 || cond.size() <= max) {
      selected.putAll(cond);
      return List.of(selected, unselected);
    }
    Integer before = null;
    Integer after = null;
    for (int t : cond.keySet()) {
      if (t < frame && (before == null || t > before)) {
        before = t;
      }
      if (t >= frame && (after == null || t < after)) {
        after = t;
      }
    }
    if (before != null) {
      selected.put(before, cond.get(before));
    }
    if (after != null) {
      selected.put(after, cond.get(after));
    }
    List<Integer> rest = new ArrayList<>();
    for (int t : cond.keySet()) {
      if (!selected.containsKey(t)) {
        rest.add(t);
      }
    }
    rest.sort((a, b) -> Integer.compare(Math.abs(a - frame), Math.abs(b - frame)));
    for (int i = 0; i < Math.min(max - selected.size(), rest.size()); i++) {
      selected.put(rest.get(i), cond.get(rest.get(i)));
    }
    for (Map.Entry<Integer, FrameOutput> e : cond.entrySet()) {
      if (!selected.containsKey(e.getKey())) {
        unselected.put(e.getKey(), e.getValue());
      }
    }
    return List.of(selected, unselected);
  }

  /** The memories of frame {@code frame} of one object, in the reference's order. */
  static List<Memory> memories(TrackerSpec spec, ObjectState obj, int frame, boolean reverse,
      Map<Integer, FrameOutput> selected, Map<Integer, FrameOutput> unselected) {
    int n = spec.numMaskmem();
    List<Memory> out = new ArrayList<>();
    for (FrameOutput o : selected.values()) {
      out.add(new Memory(o, n - 1));
    }
    int stride = spec.memoryTemporalStrideForEval();
    for (int tPos = 1; tPos < n; tPos++) {
      int tRel = n - tPos;
      int prev;
      if (tRel == 1) {
        prev = reverse ? frame + 1 : frame - 1;
      } else if (!reverse) {
        prev = Math.floorDiv(frame - 2, stride) * stride - (tRel - 2) * stride;
      } else {
        prev = -Math.floorDiv(-(frame + 2), stride) * stride + (tRel - 2) * stride;
      }
      FrameOutput o = obj.nonCond.get(prev);
      if (o == null) {
        o = unselected.get(prev);
      }
      if (o != null) {
        out.add(new Memory(o, n - tPos - 1));
      }
    }
    return out;
  }

  /** The object pointers of frame {@code frame} of one object, in the reference's order. */
  static List<Pointer> pointers(TrackerSpec spec, ObjectState obj, int frame, boolean reverse,
      int numFrames, Map<Integer, FrameOutput> selected, Map<Integer, FrameOutput> unselected) {
    List<Pointer> out = new ArrayList<>();
    if (!spec.useObjPtrsInEncoder()) {
      return out;
    }
    int maxPtrs = Math.min(numFrames, spec.maxObjPtrsInEncoder());
    float tDiffMax = maxPtrs - 1;
    int sign = reverse ? -1 : 1;
    for (Map.Entry<Integer, FrameOutput> e : selected.entrySet()) {
      int t = e.getKey();
      if (spec.onlyObjPtrsInThePastForEval() && (reverse ? t < frame : t > frame)) {
        continue;
      }
      int pos = spec.useSignedTposEncToObjPtrs() ? (frame - t) * sign : Math.abs(frame - t);
      out.add(new Pointer(e.getValue().objPtr(), pos / tDiffMax));
    }
    for (int tDiff = 1; tDiff < maxPtrs; tDiff++) {
      int t = reverse ? frame + tDiff : frame - tDiff;
      if (t < 0 || t >= numFrames) {
        break;
      }
      FrameOutput o = obj.nonCond.get(t);
      if (o == null) {
        o = unselected.get(t);
      }
      if (o != null) {
        out.add(new Pointer(o.objPtr(), tDiff / tDiffMax));
      }
    }
    return out;
  }
}
