package io.sam4j.video;

import io.sam4j.SamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of the older {@code SAM2VideoPredictor} that EdgeTAM ships, where they differ from
 * the December 2024 predictor of {@link TrackingEngine} (see {@code docs/notes/video-families.md}):
 * one output per frame for all objects. The reference keeps a batched {@code output_dict} next to
 * per-object slices with the same frames; here the per-object maps are kept with identical frame
 * sets, which is the same state.
 * <ul>
 *   <li>{@code propagate_in_video_preflight} consolidates every frame with new interactions
 *       across all objects: an object without an output there (temporary, then conditioning,
 *       then non-conditioning) gets logits -1024, object score 10 and the pointer of an empty
 *       mask ({@code _get_empty_mask_ptr}); then every object's memory on that frame is encoded
 *       from the binarised logits and stored for every object. The frame is remembered as
 *       consolidated ({@code consolidated_frame_inds}) until the tracking results are reset.</li>
 *   <li>{@code propagate_in_video} returns consolidated frames as stored, conditioning or not (a
 *       correction on a tracked frame is not recomputed), and runs every object on the others;
 *       the frames tracked and their direction are marked for all objects.</li>
 * </ul>
 */
final class BatchedLegacyPredictor {
  private final TrackingEngine engine;
  /** {@code consolidated_frame_inds["cond_frame_outputs"]}. */
  private final Set<Integer> consolidatedCond = new LinkedHashSet<>();
  /** {@code consolidated_frame_inds["non_cond_frame_outputs"]}. */
  private final Set<Integer> consolidatedNonCond = new LinkedHashSet<>();

  BatchedLegacyPredictor(TrackingEngine engine) {
    this.engine = engine;
  }

  /** {@code propagate_in_video_preflight}, then the check {@code propagate_in_video} makes. */
  void preflight() {
    engine.trackingStarted = true;
    for (boolean isCond : new boolean[] {false, true}) {
      Set<Integer> frames = new java.util.TreeSet<>();
      for (ObjectState obj : engine.objects.values()) {
        frames.addAll(obj.temp(isCond).keySet());
      }
      (isCond ? consolidatedCond : consolidatedNonCond).addAll(frames);
      for (int frame : frames) {
        consolidate(frame, isCond);
      }
      for (ObjectState obj : engine.objects.values()) {
        for (FrameOutput t : obj.temp(isCond).values()) {
          engine.store.release(t.predMasks());
        }
        obj.temp(isCond).clear();
      }
    }
    for (ObjectState obj : engine.objects.values()) {
      for (int frame : obj.cond.keySet()) {
        FrameOutput gone = obj.nonCond.remove(frame);
        if (gone != null) {
          engine.store.release(gone.maskmem());
          engine.store.release(gone.predMasks());
        }
      }
    }
    consolidatedNonCond.removeAll(consolidatedCond);
    if (engine.objects.values().stream().allMatch(o -> o.cond.isEmpty())) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "No points are provided; please add points first");
    }
  }

  /**
   * {@code _consolidate_temp_output_across_obj(run_mem_encoder=True)}: every object's output on
   * the frame, with its memory from the binarised logits, stored as conditioning or not.
   */
  private void consolidate(int frame, boolean isCond) {
    int low = engine.spec.lowResSize();
    float[] emptyPtr = null;
    FrameFeatures f = engine.features(frame);
    for (ObjectState obj : engine.objects.values()) {
      FrameOutput out = obj.temp(isCond).get(frame);
      if (out == null) {
        out = obj.cond.get(frame);
      }
      if (out == null) {
        out = obj.nonCond.get(frame);
      }
      float[] pred;
      float[] ptr;
      float score;
      if (out == null) {
        pred = new float[low * low];
        Arrays.fill(pred, TrackingEngine.NO_OBJ_SCORE);
        if (emptyPtr == null) {
          emptyPtr = emptyMaskPointer(f);
        }
        ptr = emptyPtr;
        score = 10f;
      } else {
        pred = engine.store.get(out.predMasks());
        ptr = out.objPtr();
        score = out.objectScore();
      }
      float[] mem = engine.model.encodeMemory(f, pred, engine.spec.binarizeMaskFromPtsForMemEnc(),
          score);
      FrameOutput merged = new FrameOutput(engine.store.putBf16(mem), engine.store.putFloats(pred),
          ptr, score);
      engine.replace(isCond ? obj.cond : obj.nonCond, frame, merged);
    }
  }

  /**
   * {@code _get_empty_mask_ptr}: the pointer of an all-zero mask input on the frame (the
   * mask-as-output path; with {@code fixed_no_obj_ptr} it is {@code no_obj_ptr}).
   */
  private float[] emptyMaskPointer(FrameFeatures f) {
    if (!engine.spec.useMaskInputAsOutputWithoutSam()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, engine.model.spec().name()
          + ": the older predictor's empty-mask pointer needs use_mask_input_as_output_without_sam");
    }
    int s = engine.spec.imageSize();
    return engine.model.maskAsOutput(f, new float[s * s]).objPtr();
  }

  /** One frame of the older {@code propagate_in_video}. */
  FrameResult propagateFrame(int frame, boolean reverse) {
    List<ObjectResult> out = new ArrayList<>();
    boolean cond = consolidatedCond.contains(frame);
    boolean stored = cond || consolidatedNonCond.contains(frame);
    for (ObjectState obj : engine.objects.values()) {
      float[] pred;
      float score;
      if (stored) {
        FrameOutput o = (cond ? obj.cond : obj.nonCond).get(frame);
        pred = engine.store.get(o.predMasks());
        score = o.objectScore();
      } else {
        FrameOutput o = engine.runFrame(obj, frame, false, null, null, reverse, true, null);
        pred = engine.lastPredMasks;
        score = o.objectScore();
        engine.replace(obj.nonCond, frame, o);
      }
      out.add(engine.result(obj.objId, pred, score));
    }
    for (ObjectState obj : engine.objects.values()) {
      obj.framesTracked.put(frame, reverse);
    }
    return new FrameResult(frame, out);
  }

  /**
   * The older {@code clear_all_prompts_in_frame}: the object's prompts and temporary outputs on
   * the frame go; when no object has a prompt left there, the frame stops being consolidated and
   * every object's conditioning output on it becomes non-conditioning (the frame counts as not
   * tracked); when no conditioning frame is left, all tracking results are reset (and new
   * objects are accepted again).
   */
  FrameResult clearPrompts(int frame, ObjectState obj, boolean needOutput) {
    obj.pointInputs.remove(frame);
    obj.maskInputFrames.remove(frame);
    for (boolean c : new boolean[] {true, false}) {
      FrameOutput t = obj.temp(c).remove(frame);
      if (t != null) {
        engine.store.release(t.maskmem());
        engine.store.release(t.predMasks());
      }
    }
    boolean hasInput = engine.objects.values().stream()
        .anyMatch(o -> o.pointInputs.containsKey(frame) || o.maskInputFrames.contains(frame));
    if (!hasInput) {
      consolidatedCond.remove(frame);
      consolidatedNonCond.remove(frame);
      for (ObjectState o : engine.objects.values()) {
        FrameOutput out = o.cond.remove(frame);
        if (out != null) {
          engine.replace(o.nonCond, frame, out);
          o.framesTracked.remove(frame);
        }
      }
      if (engine.objects.values().stream().allMatch(o -> o.cond.isEmpty())) {
        engine.clearResults();
      }
    }
    if (!needOutput) {
      return null;
    }
    boolean isCond = engine.objects.values().stream().anyMatch(o -> o.tempCond.containsKey(frame));
    return engine.consolidated(frame, isCond);
  }

  /** {@code _reset_tracking_results}: consolidated frames forgotten, new objects accepted again. */
  void clear() {
    consolidatedCond.clear();
    consolidatedNonCond.clear();
    engine.trackingStarted = false;
  }
}
