package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.image.RgbImage;
import io.sam4j.io.ProcessMemory;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.registry.ProgressListener;
import io.sam4j.video.FrameSource;
import io.sam4j.video.Propagation;
import io.sam4j.video.RepeatedFrameSource;
import io.sam4j.video.TrackerOptions;
import io.sam4j.video.VideoTracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code sam4j bench --video}: how fast a SAM 2-family model tracks and how much memory a long
 * clip costs. The clip is the video's frames repeated ({@link RepeatedFrameSource}), so any length
 * can be measured from a short folder or file. Reports
 * <ul>
 *   <li>{@code encoder_ms_per_frame}: the image encoder on the video's frames (the predictor's
 *       {@code setImage}, the same graph the tracker runs once per frame);
 *   <li>{@code track_ms_per_frame} and {@code frames_per_s} for 1 and 3 objects: each propagated
 *       frame after the prompted one, everything included (frame decoding, encoder, memory
 *       attention, decoder, memory encoder);
 *   <li>{@code memory_ms_per_frame}: the tracking time that is not the encoder (memory attention,
 *       mask decoder, memory encoder, object pointers for every object);
 *   <li>{@code memory.<length>.peak_rss_mb}: peak resident memory (VmHWM) of a fresh JVM tracking
 *       one object over a clip of that length, so the lengths compare without one run's heap in
 *       the other's figure; the JVM gets this one's {@code -Xmx}, or {@value #CHILD_HEAP}.
 * </ul>
 */
final class VideoBench {
  /** The heap ceiling of the memory runs unless this JVM was given one (SAM4J_JAVA_OPTS). */
  static final String CHILD_HEAP = "-Xmx2g";

  private VideoBench() {}

  /** The objects' clicks: the centre, then points a quarter in from the corners. */
  static List<Point> clicks(int width, int height, int objects) {
    double[][] at = {{0.5, 0.5}, {0.25, 0.25}, {0.75, 0.75}, {0.25, 0.75}, {0.75, 0.25}};
    List<Point> p = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      p.add(new Point(at[i % at.length][0] * width, at[i % at.length][1] * height, Label.FOREGROUND));
    }
    return p;
  }

  /** Encoder and tracking speed on {@code frames} tracked frames; fills {@code out}. */
  static void speed(SamModel model, FrameSource source, int frames, int runs, ObjectNode out,
      ProgressListener progress) {
    try (SamPredictor predictor = model.newPredictor()) {
      int n = Math.min(runs + 1, source.frameCount());
      double[] enc = new double[n - 1];
      for (int i = 0; i < n; i++) {
        RgbImage img = source.frame(i);
        long t0 = System.nanoTime();
        predictor.setImage(img);
        if (i > 0) {
          enc[i - 1] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(enc);
      double encoder = enc.length == 0 ? Double.NaN : BenchCommand.median(enc);
      out.put("encoder_ms_per_frame", encoder);
      for (int objects : new int[] {1, 3}) {
        double ms = trackMs(model, source, objects, frames, progress);
        ObjectNode o = out.putObject(objects + (objects == 1 ? "_object" : "_objects"));
        o.put("track_ms_per_frame", ms);
        o.put("frames_per_s", 1000 / ms);
        o.put("memory_ms_per_frame", ms - encoder);
        o.put("memory_share", (ms - encoder) / ms);
      }
    }
  }

  /** Median milliseconds per propagated frame after the prompted frame 0. */
  private static double trackMs(SamModel model, FrameSource source, int objects, int frames,
      ProgressListener progress) {
    List<Point> clicks = clicks(source.width(), source.height(), objects);
    try (VideoTracker t = model.newTracker(source)) {
      for (int i = 0; i < objects; i++) {
        t.addPoints(0, i + 1, List.of(clicks.get(i)));
      }
      double[] ms = new double[frames];
      progress.begin("tracking " + objects + " object(s)", 0, frames);
      try (Propagation p = t.propagate(0, false, frames)) {
        p.next(); // the prompted frame: its memory is encoded by the consolidation
        for (int i = 0; i < frames && p.hasNext(); i++) {
          long t0 = System.nanoTime();
          p.next();
          ms[i] = (System.nanoTime() - t0) / 1e6;
          progress.update(i + 1);
        }
      } finally {
        progress.end();
      }
      Arrays.sort(ms);
      return BenchCommand.median(ms);
    }
  }

  /** The child's work: track one object over a clip of {@code length} frames, print peak RSS. */
  static void rssChild(SamModel model, FrameSource base, int length, TrackerOptions options,
      PrintWriter out) {
    try (FrameSource clip = RepeatedFrameSource.of(base, length);
         VideoTracker t = model.newTracker(clip, options)) {
      t.addPoints(0, 1, List.of(clicks(clip.width(), clip.height(), 1).get(0)));
      long t0 = System.nanoTime();
      int[] frames = {0};
      t.propagate(0, false, null, r -> frames[0]++);
      double s = (System.nanoTime() - t0) / 1e9;
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("frames", frames[0]);
      o.put("seconds", s);
      o.put("peak_rss_mb", ProcessMemory.peakRssBytes() / 1048576.0);
      o.put("tracker_heap_mb", t.memoryHeapBytes() / 1048576.0);
      // what the JVM's heap had committed (its growth is the collector's choice, bounded by -Xmx)
      // and what is live in it once collected
      java.lang.management.MemoryMXBean heap = java.lang.management.ManagementFactory
          .getMemoryMXBean();
      o.put("heap_committed_mb", heap.getHeapMemoryUsage().getCommitted() / 1048576.0);
      System.gc();
      o.put("heap_live_mb", heap.getHeapMemoryUsage().getUsed() / 1048576.0);
      out.println(o);
      out.flush();
    }
  }

  /**
   * Runs {@code rssChild} in a fresh JVM with this JVM's options and class path.
   *
   * @param args the bench command line minus its clip lengths
   */
  static ObjectNode runChild(List<String> args, int length) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    boolean heap = false;
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-X") || a.startsWith("-D")) {
        cmd.add(a);
        heap |= a.startsWith("-Xmx");
      }
    }
    if (!heap) {
      // without a ceiling the JVM's heap grows with the machine, not with what is live
      cmd.add(CHILD_HEAP);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    cmd.add("--rss-child");
    cmd.add(Integer.toString(length));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      int code = p.waitFor();
      String last = text.isEmpty() ? "" : text.substring(text.lastIndexOf('\n') + 1);
      if (code != 0 || !last.startsWith("{")) {
        throw new SamException(SamException.Kind.RUNTIME, "the " + length + "-frame memory run failed"
            + " (exit " + code + "): " + text);
      }
      return (ObjectNode) new ObjectMapper().readTree(last);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.RUNTIME, "cannot start the " + length
          + "-frame memory run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SamException(SamException.Kind.RUNTIME, "interrupted", e);
    }
  }
}
