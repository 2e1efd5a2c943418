package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Point;
import io.sam4j.transform.AntialiasedResize;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A tracking session over one video, as the reference's {@code SAM2VideoPredictor} with its
 * {@code inference_state}: prompt objects on any frame, then propagate their masks through the
 * clip with the model's memory. Results are immutable. Not thread-safe (one session per thread);
 * close it to free its memories and spill file. Open it with {@link io.sam4j.SamModel#newTracker}.
 * As in the reference, a prompt call registers its object id before checking the prompt, so a
 * refused prompt for a new id still adds the id (without output until it gets a valid prompt).
 *
 * <pre>{@code
 * try (SamModel model = SamModel.load(Path.of("sam2.1_hiera_tiny.pt"));
 *      FrameSource frames = FolderFrameSource.open(Path.of("video_frames"));
 *      VideoTracker tracker = model.newTracker(frames)) {
 *   tracker.addPoints(0, 1, List.of(new Point(210, 350, Label.FOREGROUND)));
 *   tracker.addBox(0, 2, new Box(820, 250, 960, 540));
 *   try (Propagation p = tracker.propagate()) {
 *     p.forEachRemaining(r -> System.out.println(r.frameIdx() + ": " + r.objectIds()));
 *   }
 * }
 * }</pre>
 */
public final class VideoTracker implements AutoCloseable {
  private final VideoModel model;
  private final FrameSource frames;
  private final TrackingEngine engine;
  private boolean closed;

  /** Opens a session over {@code frames} (not closed with the session). */
  public static VideoTracker open(VideoModel model, FrameSource frames, TrackerOptions options) {
    return new VideoTracker(model, frames, options);
  }

  private VideoTracker(VideoModel model, FrameSource frames, TrackerOptions options) {
    if (frames.frameCount() == 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the video has no frames");
    }
    this.model = model;
    this.frames = frames;
    this.engine = new TrackingEngine(model, frames, options);
  }

  /** Number of frames of the video. */
  public int frameCount() {
    return frames.frameCount();
  }

  /** The object ids added so far, in the order they were first added. */
  public List<Integer> objectIds() {
    check();
    return List.copyOf(engine.objectIds());
  }

  /** Clicks for an object on a frame, replacing its earlier clicks there. */
  public FrameResult addPoints(int frameIdx, int objId, List<Point> points) {
    return addPrompt(frameIdx, objId, points, null, true, true);
  }

  /** A box for an object on a frame (replacing its earlier clicks there). */
  public FrameResult addBox(int frameIdx, int objId, Box box) {
    return addPrompt(frameIdx, objId, List.of(), box, true, true);
  }

  /**
   * {@code add_new_points_or_box}: clicks and/or a box for one object on one frame. A frame the
   * object was not tracked on becomes a conditioning frame; on a tracked frame the prompt corrects
   * the tracked mask (until the next propagation recomputes that frame, as in the reference).
   *
   * @param points clicks in video pixels (or in [0, 1] when {@code normalized})
   * @param box a box (its corners go before the clicks), or null
   * @param clearOldPoints replace the object's earlier clicks on this frame; false appends (not
   *     allowed with a box)
   * @param normalized false when coordinates are already divided by the video's width and height
   *     ({@code normalize_coords=False})
   */
  public FrameResult addPrompt(int frameIdx, int objId, List<Point> points, Box box,
      boolean clearOldPoints, boolean normalized) {
    check();
    // as the reference, the object id is registered before the prompt is checked
    engine.object(objId);
    checkFrame(frameIdx);
    if ((points == null || points.isEmpty()) && box == null) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "at least one of points or box must be"
          + " provided as input");
    }
    if (box != null && !clearOldPoints) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "cannot add box without clearing old"
          + " points, since box prompt must be provided before any point prompt (please use"
          + " clear_old_points=True instead)");
    }
    List<float[]> xy = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    if (box != null) {
      xy.add(new float[] {(float) box.x0(), (float) box.y0()});
      xy.add(new float[] {(float) box.x1(), (float) box.y1()});
      labels.add(2);
      labels.add(3);
    }
    if (points != null) {
      for (Point p : points) {
        xy.add(new float[] {(float) p.x(), (float) p.y()});
        labels.add(p.label().value());
      }
    }
    float s = model.spec().imageSize();
    float w = frames.width();
    float h = frames.height();
    float[] coords = new float[xy.size() * 2];
    int[] lab = new int[labels.size()];
    for (int i = 0; i < xy.size(); i++) {
      float x = xy.get(i)[0];
      float y = xy.get(i)[1];
      if (normalized) {
        x = x / w;
        y = y / h;
      }
      coords[2 * i] = x * s;
      coords[2 * i + 1] = y * s;
      lab[i] = labels.get(i);
    }
    return engine.addPoints(frameIdx, objId, new PointInputs(coords, lab), clearOldPoints);
  }

  /**
   * {@code add_new_mask}: a binary mask for one object on one frame, row-major
   * {@code height x width} (any size: it is resized to the network's input with antialiasing and
   * thresholded at 0.5, as the reference).
   */
  public FrameResult addMask(int frameIdx, int objId, boolean[] mask, int width, int height) {
    check();
    engine.object(objId);
    checkFrame(frameIdx);
    if (mask == null || width <= 0 || height <= 0 || mask.length != (long) width * height) {
      throw new SamException(SamException.Kind.BAD_PROMPT, "the mask has "
          + (mask == null ? 0 : mask.length) + " values, not " + width + "x" + height);
    }
    int s = model.spec().imageSize();
    float[] m = new float[mask.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = mask[i] ? 1f : 0f;
    }
    if (width != s || height != s) {
      m = AntialiasedResize.resize(m, 1, height, width, s, s);
      for (int i = 0; i < m.length; i++) {
        m[i] = m[i] >= 0.5f ? 1f : 0f;
      }
    }
    return engine.addMask(frameIdx, objId, m);
  }

  /** Propagates forward from the earliest prompted frame through the end of the video. */
  public Propagation propagate() {
    return propagate(null, false, null);
  }

  /**
   * {@code propagate_in_video}: consolidates the prompts (encoding their memories), then tracks
   * frame by frame as the returned {@link Propagation} is read.
   *
   * @param startFrame the first frame, or null for the earliest conditioning frame of any object
   * @param reverse track toward frame 0 (from frame 0 nothing is tracked, as the reference)
   * @param maxFrames the most frames to track after the first (so up to maxFrames + 1 results),
   *     or null for the whole video
   * @throws SamException when no object has a prompt, or one object has none
   */
  public Propagation propagate(Integer startFrame, boolean reverse, Integer maxFrames) {
    check();
    int n = frames.frameCount();
    if (startFrame != null && (startFrame < 0 || (reverse && startFrame >= n))) {
      // forward from past the end tracks nothing, as the reference; reverse would read past it
      checkFrame(startFrame);
    }
    if (maxFrames != null && maxFrames < 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "max frames to track must not be"
          + " negative, not " + maxFrames);
    }
    engine.preflight();
    int start = startFrame == null ? engine.earliestCondFrame() : startFrame;
    int max = maxFrames == null ? n : maxFrames;
    List<Integer> order = new ArrayList<>();
    if (reverse) {
      int end = Math.max(start - max, 0);
      if (start > 0) {
        for (int f = start; f >= end; f--) {
          order.add(f);
        }
      }
    } else {
      int end = Math.min(start + max, n - 1);
      for (int f = start; f <= end; f++) {
        order.add(f);
      }
    }
    return new Propagation(engine, List.copyOf(order), reverse);
  }

  /** Propagates and hands each frame's result to {@code sink} as it is made. */
  public void propagate(Integer startFrame, boolean reverse, Integer maxFrames,
      Consumer<FrameResult> sink) {
    try (Propagation p = propagate(startFrame, reverse, maxFrames)) {
      p.forEachRemaining(sink);
    }
  }

  /** {@code clear_all_prompts_in_frame}: an object's prompts on one frame. */
  public FrameResult clearPrompts(int frameIdx, int objId) {
    check();
    checkFrame(frameIdx);
    return engine.clearPrompts(frameIdx, existing(objId), true);
  }

  /** {@code remove_object}: the object and its prompts; returns the frames whose output changed. */
  public List<FrameResult> removeObject(int objId) {
    check();
    return List.copyOf(engine.removeObject(existing(objId)));
  }

  /** Every prompt and result gone, object ids kept ({@code _reset_tracking_results}). */
  public void clearAllPrompts() {
    check();
    engine.clearResults();
  }

  /** {@code reset_state}: every object, prompt and result gone. */
  public void reset() {
    check();
    engine.reset();
  }

  /** Heap bytes now held by memories and logits (bounded by the options' budget). */
  public long memoryHeapBytes() {
    return engine.store.heapBytes();
  }

  /**
   * Milliseconds spent per stage since the session opened or {@link #resetStageTimes}:
   * {@code encoder}, {@code memory_attention}, {@code decoder} (with the object pointer),
   * {@code memory_encoder}, {@code output} (hole filling, resize to the video's size), in that
   * order; for measuring where tracking time goes.
   */
  public java.util.Map<String, Double> stageMillis() {
    check();
    return java.util.Collections.unmodifiableMap(engine.clock.millis());
  }

  /**
   * Process CPU milliseconds per stage (all threads, ONNX Runtime's included), keys as
   * {@link #stageMillis}: the cost of each stage where other work shares the machine.
   */
  public java.util.Map<String, Double> stageCpuMillis() {
    check();
    return java.util.Collections.unmodifiableMap(engine.clock.cpuMillis());
  }

  /** Sets the stage times of {@link #stageMillis} and {@link #stageCpuMillis} back to zero. */
  public void resetStageTimes() {
    check();
    engine.clock.reset();
  }

  /** The state machine (tests). */
  TrackingEngine engine() {
    return engine;
  }

  /** The stored array of a reference (tests). */
  float[] stored(MemoryStore.Ref r) {
    return engine.store.get(r);
  }

  private ObjectState existing(int objId) {
    ObjectState o = engine.objects.get(objId);
    if (o == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "object id " + objId + " was never"
          + " added; the session's objects are " + engine.objectIds());
    }
    return o;
  }

  private void checkFrame(int frameIdx) {
    int n = frames.frameCount();
    if (frameIdx < 0 || frameIdx >= n) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + frameIdx + " does not exist:"
          + " the video has " + n + " frames (0.." + (n - 1) + ")");
    }
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the tracker is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      engine.close();
    }
  }
}
