package io.sam4j.eval.davis;

import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.registry.ProgressListener;
import io.sam4j.transform.MaskPostprocessor;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.Propagation;
import io.sam4j.video.TrackerOptions;
import io.sam4j.video.VideoTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs a SAM 2-family model on a DAVIS-format dataset with the semi-supervised protocol as SAM 2's
 * own DAVIS evaluation does it ({@code tools/vos_inference.py}, default mode): for each sequence,
 * every object of the first frame's annotation (its ids, ascending; 255 = void is no object) is
 * given as a mask prompt on frame 0, the objects are propagated forward through the clip together,
 * and each frame's result is written as {@code <results>/<seq>/<frame>.png} (indexed PNG, DAVIS
 * palette, index = object id) for every frame, frame 0 included. Overlaps are resolved as the
 * reference with {@code non_overlap_masks=true}: a pixel goes to the object whose video-resolution
 * logit is highest (the lowest id on ties), and is that object when the logit is {@code > 0}.
 * Objects that appear only after the first frame are not tracked: as the reference's default
 * mode, which its README prescribes for DAVIS ("all objects to track already appear on frame 0"),
 * and DAVIS 2017 scores only the first frame's objects. With {@code objectsAppearingLater} it runs
 * as the reference with {@code --track_object_appearing_later_in_video} (for LVOS or
 * YouTube-VOS-style data): each object's mask on the first annotated frame where it appears,
 * each object tracked alone from that frame, the per-object logits then combined by the same
 * non-overlapping rule (an object has no output before its first frame).
 *
 * <p>Frames are the JPEGs of {@code JPEGImages/<seq>} (flat layout) or
 * {@code JPEGImages/480p/<seq>} (official layout), ordered by their integer stems; the PNGs take
 * the JPEG stems. Score the results with {@link VideoEvaluation}.
 *
 * <pre>{@code
 * try (SamModel model = SamModel.load(Path.of("sam2.1_hiera_tiny.pt"))) {
 *   new DavisInference(Path.of("DAVIS"), Path.of("out/results"), "val", List.of())
 *       .run(model, TrackerOptions.defaults(), ProgressListener.NONE);
 * }
 * }</pre>
 *
 * @param davisRoot the dataset folder (see {@link DavisDataset})
 * @param results where to write {@code <seq>/<frame>.png}
 * @param set the image set listing the sequences ({@code "val"})
 * @param sequences the sequences to run; empty = every sequence of the set
 * @param objectsAppearingLater track each object from the first frame it appears on, alone
 */
public record DavisInference(Path davisRoot, Path results, String set, List<String> sequences,
    boolean objectsAppearingLater) {

  public DavisInference {
    sequences = List.copyOf(sequences);
  }

  /** The default protocol: every first-frame object from frame 0, tracked together. */
  public DavisInference(Path davisRoot, Path results, String set, List<String> sequences) {
    this(davisRoot, results, set, sequences, false);
  }

  /**
   * Tracks every sequence and writes its results; progress is counted in frames.
   *
   * @return the sequences run, in order
   * @throws SamException for a model without video memory (SAM 1 family), a sequence without
   *     frames, without a first-frame annotation, or whose first annotation has no object or
   *     another size than the frames
   */
  public List<String> run(SamModel model, TrackerOptions options, ProgressListener progress) {
    if (model.sam2Spec().isEmpty()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, model.name() + " is a SAM"
          + " 1-family model, which has no memory: video evaluation needs a SAM 2-family model"
          + " (SAM 2, SAM 2.1, EfficientTAM, EdgeTAM)");
    }
    DavisDataset ds = DavisDataset.open(davisRoot);
    List<String> seqs = sequences.isEmpty() ? ds.sequences(set) : sequences;
    List<FolderFrameSource> sources = new ArrayList<>();
    long total = 0;
    try {
      for (String seq : seqs) {
        FolderFrameSource src = open(ds, seq);
        sources.add(src);
        total += src.frameCount();
        if (!objectsAppearingLater) {
          firstAnnotation(ds, seq, src);
        }
      }
      progress.begin("tracking frames", 0, total);
      try {
        long[] done = {0};
        for (int i = 0; i < seqs.size(); i++) {
          runSequence(model, options, ds, seqs.get(i), sources.get(i),
              () -> progress.update(++done[0]));
        }
      } finally {
        progress.end();
      }
    } finally {
      sources.forEach(FolderFrameSource::close);
    }
    return seqs;
  }

  private void runSequence(SamModel model, TrackerOptions options, DavisDataset ds, String seq,
      FolderFrameSource src, Runnable tick) {
    if (objectsAppearingLater) {
      runPerObject(model, options, ds, seq, src, tick);
      return;
    }
    LabelMap first = firstAnnotation(ds, seq, src);
    int w = src.width();
    int h = src.height();
    int[] firstLabels = first.toArray();
    TreeSet<Integer> ids = new TreeSet<>();
    for (int v : firstLabels) {
      if (v != 0 && v != 255) {
        ids.add(v);
      }
    }
    if (ids.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the first annotation of sequence '"
          + seq + "' holds no object id (only 0 = background / 255 = void): nothing to track");
    }
    List<String> names = stems(src);
    Path dir = results.resolve(seq);
    byte[] palette = LabelPng.davisPalette();
    try (VideoTracker tracker = model.newTracker(src, options)) {
      for (int id : ids) {
        tracker.addMask(0, id, first.binary(id), w, h);
      }
      try (Propagation p = tracker.propagate()) {
        while (p.hasNext()) {
          FrameResult r = p.next();
          LabelPng.write(dir.resolve(names.get(r.frameIdx()) + ".png"), labels(r, w, h), palette);
          tick.run();
        }
      }
    }
  }

  /** {@code vos_separate_inference_per_object}: each object alone from its first frame. */
  private void runPerObject(SamModel model, TrackerOptions options, DavisDataset ds, String seq,
      FolderFrameSource src, Runnable tick) {
    List<String> names = stems(src);
    int w = src.width();
    int h = src.height();
    TreeMap<Integer, Integer> firstFrame = new TreeMap<>();
    Map<Integer, boolean[]> firstMask = new HashMap<>();
    for (int f = 0; f < names.size(); f++) {
      Path png = ds.annotations().resolve(seq).resolve(names.get(f) + ".png");
      if (!Files.isRegularFile(png)) {
        continue;
      }
      LabelMap m = checkSize(ds.annotation(seq, names.get(f)), png, seq, src);
      for (int v : new TreeSet<>(Arrays.stream(m.toArray()).boxed().toList())) {
        if (v != 0 && v != 255 && !firstFrame.containsKey(v)) {
          firstFrame.put(v, f);
          firstMask.put(v, m.binary(v));
        }
      }
    }
    if (firstFrame.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "no annotation of sequence '" + seq
          + "' in " + ds.annotations().resolve(seq) + " holds an object id: nothing to track");
    }
    List<List<ObjectResult>> perFrame = new ArrayList<>();
    names.forEach(n -> perFrame.add(new ArrayList<>()));
    try (VideoTracker tracker = model.newTracker(src, options)) {
      for (Map.Entry<Integer, Integer> e : firstFrame.entrySet()) {
        tracker.reset();
        tracker.addMask(e.getValue(), e.getKey(), firstMask.get(e.getKey()), w, h);
        tracker.propagate(e.getValue(), false, null,
            r -> perFrame.get(r.frameIdx()).add(r.object(e.getKey())));
      }
    }
    byte[] palette = LabelPng.davisPalette();
    for (int f = 0; f < names.size(); f++) {
      LabelPng.write(results.resolve(seq).resolve(names.get(f) + ".png"),
          labels(new FrameResult(f, perFrame.get(f)), w, h), palette);
      tick.run();
    }
  }

  private static List<String> stems(FolderFrameSource src) {
    return src.files().stream().map(p -> {
      String n = p.getFileName().toString();
      return n.substring(0, n.lastIndexOf('.'));
    }).toList();
  }

  /**
   * The DAVIS label map of one frame's result ({@code w x h} = the video's size): the reference's
   * {@code _apply_non_overlapping_constraints} on the objects' video-resolution logits (bilinear
   * from the low-res logits, as {@link ObjectResult#mask()}), then {@code > 0}; objects without an
   * output are absent. With one object this is exactly its mask.
   */
  public static LabelMap labels(FrameResult r, int w, int h) {
    float[] best = new float[w * h];
    Arrays.fill(best, Float.NEGATIVE_INFINITY);
    int[] label = new int[w * h];
    for (ObjectResult o : r.objects()) {
      if (!o.hasOutput()) {
        continue;
      }
      float[] low = o.lowResLogits();
      int l = (int) Math.round(Math.sqrt(low.length));
      int id = o.objId();
      MaskPostprocessor.direct(l, new int[] {h, w}).rows(low, 0, (y, row) -> {
        int base = y * w;
        for (int x = 0; x < w; x++) {
          if (row[x] > best[base + x]) {
            best[base + x] = row[x];
            label[base + x] = id;
          }
        }
      });
    }
    for (int i = 0; i < label.length; i++) {
      if (!(best[i] > 0)) {
        label[i] = 0;
      }
    }
    return LabelMap.of(w, h, label);
  }

  private static FolderFrameSource open(DavisDataset ds, String seq) {
    Path frames = ds.frameFolder(seq);
    if (!Files.isDirectory(frames)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "sequence '" + seq + "' has no frame"
          + " folder " + frames + " (expected JPEGImages/<sequence>/ or JPEGImages/480p/<sequence>/"
          + " with the frames 00000.jpg, 00001.jpg, ...)");
    }
    try {
      return FolderFrameSource.open(frames);
    } catch (SamException e) {
      throw new SamException(e.kind(), "sequence '" + seq + "': " + e.getMessage(), e);
    }
  }

  private static LabelMap firstAnnotation(DavisDataset ds, String seq, FolderFrameSource src) {
    String n = src.files().get(0).getFileName().toString();
    String stem = n.substring(0, n.lastIndexOf('.'));
    Path png = ds.annotations().resolve(seq).resolve(stem + ".png");
    if (!Files.isRegularFile(png)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "sequence '" + seq + "' has no"
          + " annotation for its first frame " + n + ": expected " + png + " (the semi-supervised"
          + " protocol starts from the first frame's object masks)");
    }
    return checkSize(ds.annotation(seq, stem), png, seq, src);
  }

  private static LabelMap checkSize(LabelMap m, Path png, String seq, FolderFrameSource src) {
    if (m.width() != src.width() || m.height() != src.height()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "annotation " + png + " of sequence '"
          + seq + "' is " + m.width() + "x" + m.height() + " but its frames are "
          + src.width() + "x" + src.height() + "; annotations and frames must have the same size");
    }
    return m;
  }
}
