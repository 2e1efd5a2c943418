package io.sam4j.video;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One object's part of the tracking state, as the reference keeps it per object index:
 * its clicks per frame ({@code point_inputs_per_obj}), the frames with a mask input, the
 * conditioning and non-conditioning outputs ({@code output_dict_per_obj}), the outputs of
 * interactions not yet consolidated ({@code temp_output_dict_per_obj}) and the frames tracked
 * with their direction ({@code frames_tracked_per_obj}). Maps keep insertion order, as Python's.
 */
final class ObjectState {
  final int objId;
  final Map<Integer, PointInputs> pointInputs = new HashMap<>();
  final Set<Integer> maskInputFrames = new HashSet<>();
  final Map<Integer, FrameOutput> cond = new LinkedHashMap<>();
  final Map<Integer, FrameOutput> nonCond = new LinkedHashMap<>();
  final Map<Integer, FrameOutput> tempCond = new LinkedHashMap<>();
  final Map<Integer, FrameOutput> tempNonCond = new LinkedHashMap<>();
  /** Frame index to whether it was tracked in reverse. */
  final Map<Integer, Boolean> framesTracked = new HashMap<>();

  ObjectState(int objId) {
    this.objId = objId;
  }

  Map<Integer, FrameOutput> temp(boolean isCond) {
    return isCond ? tempCond : tempNonCond;
  }

  /** The latest output on a frame: temporary first, then conditioning, then non-conditioning. */
  FrameOutput latest(int frame, boolean isCond) {
    FrameOutput out = temp(isCond).get(frame);
    if (out == null) {
      out = cond.get(frame);
    }
    if (out == null) {
      out = nonCond.get(frame);
    }
    return out;
  }
}
