package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.modeling.sam2.memory.TrackerSpec;
import io.sam4j.transform.AntialiasedResize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The video predictor's state machine ({@code SAM2VideoPredictor}, December 2024): interactions
 * run on one object and stay temporary until {@code propagate_in_video} consolidates them (their
 * memories are encoded then, from the stored logits, binarised), propagation runs each object on
 * its own with the memories {@link MemorySelection} picks. Package-private: {@link VideoTracker}
 * is the API.
 */
final class TrackingEngine implements AutoCloseable {
  static final float NO_OBJ_SCORE = -1024f;

  final VideoModel model;
  final TrackerSpec spec;
  private final FrameSource frames;
  final MemoryStore store;
  private final int cachedFrames;
  private final ObjectResults results;
  private final LinkedHashMap<Integer, FrameFeatures> features =
      new LinkedHashMap<>(8, 0.75f, true);
  /** Objects in index order (the reference's obj_idx). */
  final LinkedHashMap<Integer, ObjectState> objects = new LinkedHashMap<>();
  boolean trackingStarted;
  /** The older predictor's rules (EdgeTAM), or null for the December 2024 predictor's. */
  private final BatchedLegacyPredictor legacy;
  /** Wall time per stage. */
  final StageClock clock = new StageClock();

  TrackingEngine(VideoModel model, FrameSource frames, TrackerOptions options) {
    this.model = model;
    this.spec = model.tracker();
    this.frames = frames;
    this.store = new MemoryStore(options.memoryHeapBytes(), options.spillDirectory(),
        options.dropOldMemories());
    this.cachedFrames = options.cachedFrames();
    this.results = new ObjectResults(spec.lowResSize(), frames.width(), frames.height());
    this.legacy = model.architecture().semantics()
        == VideoArchitecture.PredictorSemantics.BATCHED_LEGACY ? new BatchedLegacyPredictor(this)
        : null;
    if (!spec.directlyAddNoMemEmbed()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, model.spec().name()
          + " sets directly_add_no_mem_embed false, which sam4j's tracker does not support");
    }
  }

  int numFrames() {
    return frames.frameCount();
  }

  /** {@code _obj_id_to_idx}: the object, made when new (unless the predictor refuses). */
  ObjectState object(int objId) {
    ObjectState o = objects.get(objId);
    if (o != null) {
      return o;
    }
    if (trackingStarted && !model.architecture().semantics().allowsNewObjectsWhileTracking()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "Cannot add new object id " + objId
          + " after tracking starts. All existing object ids: " + objectIds()
          + ". Please call 'reset_state' to restart from scratch.");
    }
    o = new ObjectState(objId);
    objects.put(objId, o);
    return o;
  }

  List<Integer> objectIds() {
    return new ArrayList<>(objects.keySet());
  }

  /** {@code add_new_points_or_box} with points already in the network frame. */
  FrameResult addPoints(int frame, int objId, PointInputs points, boolean clearOld) {
    ObjectState obj = object(objId);
    PointInputs old = clearOld ? null : obj.pointInputs.get(frame);
    PointInputs pts = old == null ? points : old.concat(points);
    obj.pointInputs.put(frame, pts);
    obj.maskInputFrames.remove(frame);
    boolean isInit = !obj.framesTracked.containsKey(frame);
    boolean reverse = !isInit && obj.framesTracked.get(frame);
    boolean isCond = isInit || spec.addAllFramesToCorrectAsCond();
    FrameOutput prev = obj.latest(frame, isCond);
    float[] prevLogits = null;
    if (prev != null && prev.predMasks() != null) {
      prevLogits = store.get(prev.predMasks());
      if (prevLogits != null) {
        for (int i = 0; i < prevLogits.length; i++) {
          prevLogits[i] = Math.min(Math.max(prevLogits[i], -32f), 32f);
        }
      }
    }
    FrameOutput out = runFrame(obj, frame, isInit, pts, null, reverse, false, prevLogits);
    replace(obj.temp(isCond), frame, out);
    return consolidated(frame, isCond);
  }

  /** {@code add_new_mask}: {@code mask} [S*S] binary, already at the network's size. */
  FrameResult addMask(int frame, int objId, float[] mask) {
    ObjectState obj = object(objId);
    obj.maskInputFrames.add(frame);
    obj.pointInputs.remove(frame);
    boolean isInit = !obj.framesTracked.containsKey(frame);
    boolean reverse = !isInit && obj.framesTracked.get(frame);
    boolean isCond = isInit || spec.addAllFramesToCorrectAsCond();
    FrameOutput out = runFrame(obj, frame, isInit, null, mask, reverse, false, null);
    replace(obj.temp(isCond), frame, out);
    return consolidated(frame, isCond);
  }

  void replace(Map<Integer, FrameOutput> map, int frame, FrameOutput out) {
    FrameOutput old = map.put(frame, out);
    if (old != null && old != out) {
      store.release(old.maskmem());
      store.release(old.predMasks());
    }
  }

  /** {@code _run_single_frame_inference}: the output and the hole-filled logits. */
  FrameOutput runFrame(ObjectState obj, int frame, boolean isInit, PointInputs pts,
      float[] mask, boolean reverse, boolean runMemEncoder, float[] prevLogits) {
    FrameFeatures f = features(frame);
    DecoderResult res;
    if (mask != null && spec.useMaskInputAsOutputWithoutSam()) {
      res = clock.time(StageClock.Stage.DECODER, () -> model.maskAsOutput(f, mask));
    } else {
      float[] image = conditioned(obj, frame, isInit, reverse, f);
      float[] maskIn = prevLogits;
      if (mask != null) {
        int s = spec.imageSize();
        maskIn = AntialiasedResize.resize(mask, 1, s, s, spec.lowResSize(), spec.lowResSize());
      }
      int numPts = pts == null ? 0 : pts.size();
      boolean multimask = spec.multimaskOutputInSam()
          && (isInit || spec.multimaskOutputForTracking())
          && spec.multimaskMinPtNum() <= numPts && numPts <= spec.multimaskMaxPtNum();
      float[] coords = pts == null ? new float[4] : pts.paddedCoords();
      int[] labels = pts == null ? new int[] {-1, -1} : pts.paddedLabels();
      float[] dense = maskIn;
      res = clock.time(StageClock.Stage.DECODER,
          () -> model.decode(f, image, coords, labels, dense, multimask));
    }
    MemoryStore.Ref mem = null;
    if (runMemEncoder && spec.numMaskmem() > 0) {
      boolean binarize = spec.binarizeMaskFromPtsForMemEnc() && pts != null;
      DecoderResult r = res;
      mem = store.putBf16(clock.time(StageClock.Stage.MEMORY_ENCODER,
          () -> model.encodeMemory(f, r.lowRes(), binarize, r.objectScore())));
    }
    float[] low = res.lowRes();
    float[] pred = spec.fillHoleArea() > 0 ? clock.time(StageClock.Stage.OUTPUT,
        () -> HoleFilling.fill(low, spec.lowResSize(), spec.fillHoleArea())) : low;
    lastPredMasks = pred;
    return new FrameOutput(mem, store.putFloats(pred), res.objPtr(), res.objectScore());
  }

  /** The hole-filled logits of the last {@link #runFrame}, so that it need not be read back. */
  float[] lastPredMasks;

  /** The decoder's image input: no_mem_embed on initial frames, else the memory attention's. */
  private float[] conditioned(ObjectState obj, int frame, boolean isInit, boolean reverse,
      FrameFeatures f) {
    if (isInit || spec.numMaskmem() == 0) {
      return isInit ? f.withNoMemEmbed() : f.visionFeatures();
    }
    if (obj.cond.isEmpty()) {
      throw new IllegalStateException("object " + obj.objId + " has no conditioning frame");
    }
    AttentionInputs in = AttentionInputs.gather(spec, obj, frame, reverse, numFrames(), store);
    float[] out = clock.time(StageClock.Stage.MEMORY_ATTENTION, () -> {
      if (tokensOf != f) {
        tokens = model.attentionFrameTokens(f);
        tokensOf = f;
      }
      return model.attend(tokens, in);
    });
    if (attentionTap != null) {
      attentionTap.accept(new AttentionRecord(frame, obj.objId, in.memoryFrames(),
          in.pointerCount(), out));
    }
    return out;
  }

  /**
   * The frame part of the memory attention ({@link VideoModel#attentionFrameTokens}) of the
   * features {@code tokensOf}, kept while the objects of that frame are run.
   */
  private float[] tokens;
  private FrameFeatures tokensOf;

  /** One memory attention, for tests and diagnostics. */
  record AttentionRecord(int frame, int objId, int memoryFrames, int pointers, float[] output) {}

  /** Receives every memory attention when set (tests). */
  java.util.function.Consumer<AttentionRecord> attentionTap;

  FrameFeatures features(int frame) {
    FrameFeatures f = features.get(frame);
    if (f == null) {
      f = clock.time(StageClock.Stage.ENCODER, () -> model.encode(frame, frames.frame(frame)));
      features.put(frame, f);
      while (features.size() > cachedFrames) {
        features.remove(features.keySet().iterator().next());
      }
    }
    return f;
  }

  /** An object's result from its stored logits (null: no output on the frame). */
  ObjectResult result(int objId, float[] logits, float score) {
    return clock.time(StageClock.Stage.OUTPUT, () -> results.of(objId, logits, score));
  }

  FrameResult consolidated(int frame, boolean isCond) {
    List<ObjectResult> out = new ArrayList<>();
    for (ObjectState obj : objects.values()) {
      FrameOutput o = obj.latest(frame, isCond);
      out.add(o == null ? results.absent(obj.objId) : results.of(obj.objId, store.get(o.predMasks()),
          o.objectScore()));
    }
    return new FrameResult(frame, out);
  }

  /** {@code propagate_in_video_preflight}. */
  void preflight() {
    if (legacy != null) {
      legacy.preflight();
      return;
    }
    if (objects.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "No input points or masks are provided"
          + " for any object; please add inputs first.");
    }
    trackingStarted = true;
    for (ObjectState obj : objects.values()) {
      for (boolean isCond : new boolean[] {false, true}) {
        Map<Integer, FrameOutput> temp = obj.temp(isCond);
        for (Map.Entry<Integer, FrameOutput> e : temp.entrySet()) {
          FrameOutput out = e.getValue();
          if (out.maskmem() == null) {
            float[] logits = store.get(out.predMasks());
            float[] mem = model.encodeMemory(features(e.getKey()), logits,
                spec.binarizeMaskFromPtsForMemEnc(), out.objectScore());
            out = out.withMemory(store.putBf16(mem));
          }
          replace(isCond ? obj.cond : obj.nonCond, e.getKey(), out);
        }
        temp.clear();
      }
      if (obj.cond.isEmpty()) {
        throw new SamException(SamException.Kind.BAD_INPUT, "No input points or masks are"
            + " provided for object id " + obj.objId + "; please add inputs first.");
      }
      for (int frame : obj.cond.keySet()) {
        FrameOutput gone = obj.nonCond.remove(frame);
        if (gone != null) {
          store.release(gone.maskmem());
          store.release(gone.predMasks());
        }
      }
    }
  }

  /** The default first frame of a propagation: the earliest conditioning frame of any object. */
  int earliestCondFrame() {
    int min = Integer.MAX_VALUE;
    for (ObjectState obj : objects.values()) {
      for (int t : obj.cond.keySet()) {
        min = Math.min(min, t);
      }
    }
    return min;
  }

  /** One frame of {@code propagate_in_video}. */
  FrameResult propagateFrame(int frame, boolean reverse) {
    if (legacy != null) {
      return legacy.propagateFrame(frame, reverse);
    }
    List<ObjectResult> out = new ArrayList<>();
    for (ObjectState obj : objects.values()) {
      float[] pred;
      float score;
      FrameOutput o = obj.cond.get(frame);
      if (o != null) {
        pred = store.get(o.predMasks());
        score = o.objectScore();
      } else {
        o = runFrame(obj, frame, false, null, null, reverse, true, null);
        pred = lastPredMasks;
        score = o.objectScore();
        replace(obj.nonCond, frame, o);
      }
      obj.framesTracked.put(frame, reverse);
      out.add(result(obj.objId, pred, score));
    }
    return new FrameResult(frame, out);
  }

  /** {@code clear_all_prompts_in_frame}. */
  FrameResult clearPrompts(int frame, ObjectState obj, boolean needOutput) {
    if (legacy != null) {
      return legacy.clearPrompts(frame, obj, needOutput);
    }
    obj.pointInputs.remove(frame);
    obj.maskInputFrames.remove(frame);
    for (boolean c : new boolean[] {true, false}) {
      FrameOutput t = obj.temp(c).remove(frame);
      if (t != null) {
        store.release(t.maskmem());
        store.release(t.predMasks());
      }
    }
    FrameOutput out = obj.cond.remove(frame);
    if (out != null) {
      replace(obj.nonCond, frame, out);
      obj.framesTracked.remove(frame);
    }
    if (!needOutput) {
      return null;
    }
    boolean isCond = objects.values().stream().anyMatch(o -> o.tempCond.containsKey(frame));
    return consolidated(frame, isCond);
  }

  /** {@code remove_object}: the frames whose output changed. */
  List<FrameResult> removeObject(ObjectState obj) {
    if (objects.size() == 1) {
      reset();
      return List.of();
    }
    List<Integer> inputFrames = new ArrayList<>(obj.pointInputs.keySet());
    for (int f : obj.maskInputFrames) {
      if (!inputFrames.contains(f)) {
        inputFrames.add(f);
      }
    }
    for (int f : inputFrames) {
      clearPrompts(f, obj, false);
    }
    objects.remove(obj.objId);
    for (Map<Integer, FrameOutput> m : List.of(obj.cond, obj.nonCond)) {
      for (FrameOutput o : m.values()) {
        store.release(o.maskmem());
        store.release(o.predMasks());
      }
    }
    List<FrameResult> updated = new ArrayList<>();
    for (int f : inputFrames) {
      boolean isCond = objects.values().stream().anyMatch(o -> o.tempCond.containsKey(f));
      updated.add(consolidated(f, isCond));
    }
    return updated;
  }

  /** {@code _reset_tracking_results}: inputs and outputs gone, object ids kept. */
  void clearResults() {
    for (ObjectState o : objects.values()) {
      o.pointInputs.clear();
      o.maskInputFrames.clear();
      o.cond.clear();
      o.nonCond.clear();
      o.tempCond.clear();
      o.tempNonCond.clear();
      o.framesTracked.clear();
    }
    if (legacy != null) {
      legacy.clear();
    }
    store.clear();
  }

  /** {@code reset_state}. */
  void reset() {
    clearResults();
    objects.clear();
    trackingStarted = false;
  }

  @Override
  public void close() {
    store.close();
    features.clear();
    tokens = null;
    tokensOf = null;
  }
}
