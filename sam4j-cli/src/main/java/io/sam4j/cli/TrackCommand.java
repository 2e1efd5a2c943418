package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.registry.ProgressListener;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.FrameSource;
import io.sam4j.video.Propagation;
import io.sam4j.video.VideoFileFrameSource;
import io.sam4j.video.VideoTracker;
import io.sam4j.video.output.TrackOutput;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j track}: follow prompted objects through a video and write DAVIS-style results. */
@Command(
    name = "track",
    header = "Track objects through a video (SAM 2 family): masks, JSON and an overlay GIF.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Prompt objects on any frames of a video (a folder of JPEG frames named 00000.jpg, ... or",
        "an MP4/H.264 file), then track them through the clip with a SAM 2-family model (SAM 2,",
        "SAM 2.1, EfficientTAM, EdgeTAM). For a video NAME (the folder name or file stem) writes:",
        "  DIR/NAME/<frame>.png   one indexed PNG per tracked frame, palette index = object id",
        "                         (DAVIS palette; 'sam4j eval-video --results DIR' reads it)",
        "  DIR/NAME.json          per frame and object: COCO RLE, area, bbox XYWH, object score",
        "  DIR/NAME.gif           the masks over the frames, to watch (not with --no-overlay)",
        "Nothing is written unless the run completes. Object ids are 1..255 (1 when left out).",
        "Examples:",
        "  sam4j track --model sam2.1_hiera_tiny --video bedroom/ --point 0,210,350 \\",
        "      --box 0,300,0,500,400,2 --out results/",
        "  sam4j track --model sam2.1_hiera_tiny --video clip.mp4 --point 120,400,300,1,1 \\",
        "      --point 120,420,330,0,1 --reverse --out results/"})
final class TrackCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Option(names = "--video", required = true, paramLabel = "DIR|FILE.mp4",
      description = "A folder of JPEG frames (as the reference reads them) or a video file")
  Path video;

  @Option(names = "--point", paramLabel = "FRAME,X,Y[,LABEL][,OBJ]",
      description = "A click on frame FRAME in video pixels; LABEL 1 = on the object (default),"
          + " 0 = not on it; OBJ the object id (default 1). Repeatable.")
  List<String> points = new ArrayList<>();

  @Option(names = "--box", paramLabel = "FRAME,X0,Y0,X1,Y1[,OBJ]",
      description = "A box around object OBJ (default 1) on frame FRAME. Repeatable.")
  List<String> boxes = new ArrayList<>();

  @Option(names = "--mask", paramLabel = "FRAME,OBJ,PNG",
      description = "A mask of object OBJ on frame FRAME: non-zero pixels of a PNG (any size;"
          + " resized as the reference does). Repeatable.")
  List<String> masks = new ArrayList<>();

  @Mixin TrackerMemoryOptions memory;

  @Option(names = "--reverse", description = "Track toward frame 0")
  boolean reverse;

  @Option(names = "--start", paramLabel = "F",
      description = "First frame to track from (default: the earliest prompted frame)")
  Integer start;

  @Option(names = "--max-frames", paramLabel = "N",
      description = "Track at most N frames after the first (default: to the end of the video)")
  Integer maxFrames;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder")
  Path out;

  @Option(names = "--no-overlay", description = "Do not write the overlay GIF")
  boolean noOverlay;

  @Option(names = "--quiet", description = "No progress bar")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter err = commandSpec.commandLine().getErr();
    TrackPrompts prompts = TrackPrompts.parse(points, boxes, masks);
    if (maxFrames != null && maxFrames < 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--max-frames must be >= 0, not " + maxFrames);
    }
    long t0 = System.nanoTime();
    int tracked = 0;
    try (FrameSource frames = open(video)) {
      prompts.check(frames.frameCount(), frames.width(), frames.height());
      if (start != null && (start < 0 || start >= frames.frameCount())) {
        throw new SamException(SamException.Kind.BAD_INPUT, "--start " + start + " is not a frame of"
            + " the video: it has " + frames.frameCount() + " frames (0.." + (frames.frameCount() - 1) + ")");
      }
      String name = name(video);
      double fps = frames instanceof VideoFileFrameSource v ? v.fps() : 10;
      try (SamModel m = model.load(err);
           VideoTracker tracker = m.newTracker(frames, memory.options());
           TrackOutput output = TrackOutput.create(out, name, video.toString(), frames.width(),
               frames.height(), frames.frameCount(), fps, !noOverlay)) {
        prompts.apply(tracker);
        ProgressListener progress = quiet ? ProgressListener.NONE : EtaProgress.of(err, "frames");
        t0 = System.nanoTime();
        try (Propagation p = tracker.propagate(start, reverse, maxFrames)) {
          progress.begin("tracking " + prompts.promptedObjects() + " object(s)", 0, p.frames().size());
          try {
            while (p.hasNext()) {
              FrameResult r = p.next();
              output.write(r, frameName(frames, r.frameIdx()), noOverlay ? null : frames.frame(r.frameIdx()));
              progress.update(++tracked);
            }
          } finally {
            progress.end();
          }
        }
        output.commit();
        double s = (System.nanoTime() - t0) / 1e9;
        commandSpec.commandLine().getOut().printf(Locale.ROOT, "Tracked %d object(s) over %d frames"
            + " in %.1f s (%.2f frames/s): %s, %s%s%n", tracker.objectIds().size(), tracked, s,
            tracked / Math.max(s, 1e-9), output.masksDir(), output.jsonFile(),
            output.gifFile() == null ? "" : ", " + output.gifFile());
      }
    }
    return 0;
  }

  /** A folder of JPEG frames or a video file. */
  static FrameSource open(Path video) {
    if (Files.isDirectory(video)) {
      return FolderFrameSource.open(video);
    }
    if (!Files.exists(video)) {
      throw new SamException(SamException.Kind.IO, "video " + video + " does not exist: pass a folder"
          + " of JPEG frames or a video file (MP4)");
    }
    return VideoFileFrameSource.open(video);
  }

  /** The video's name: the folder's name or the file's stem. */
  static String name(Path video) {
    Path abs = video.toAbsolutePath().normalize();
    String n = abs.getFileName() == null ? "video" : abs.getFileName().toString();
    int dot = n.lastIndexOf('.');
    if (!Files.isDirectory(video) && dot > 0) {
      n = n.substring(0, dot);
    }
    return n.isEmpty() || n.startsWith(".") ? "video" : n;
  }

  /** The PNG stem of a frame: the JPEG's stem in a frame folder, else the index as %05d. */
  static String frameName(FrameSource frames, int index) {
    if (frames instanceof FolderFrameSource f) {
      String n = f.files().get(index).getFileName().toString();
      return n.substring(0, n.lastIndexOf('.'));
    }
    return String.format(Locale.ROOT, "%05d", index);
  }
}
