package io.sam4j.video.output;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;
import io.sam4j.io.AtomicFiles;
import io.sam4j.io.TempDirs;
import io.sam4j.result.Mask;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code sam4j track} writes for a video named {@code NAME} (its folder name or file stem),
 * in the DAVIS results layout so that {@code sam4j eval-video --results DIR} reads it:
 * <ul>
 *   <li>{@code DIR/NAME/<frame>.png}: one indexed-palette PNG per tracked frame with every object
 *       ({@link DavisPalette}; palette index = object id);
 *   <li>{@code DIR/NAME.json}: per frame and object the COCO RLE, area, box and object score
 *       ({@link TrackJsonWriter});
 *   <li>{@code DIR/NAME.gif}: an animated overlay to watch (unless disabled).
 * </ul>
 * Everything is written into a hidden staging folder inside {@code DIR} and moved into place by
 * {@link #commit()}; closing without a commit (an error, a cancel) deletes the staging folder and
 * leaves {@code DIR} as it was, so no run leaves half its output. Staging folders of processes
 * killed outright are removed by the next run.
 *
 * <pre>{@code
 * try (TrackOutput out = TrackOutput.create(dir, "bear", frames.width(), frames.height(), n, 24, true)) {
 *   tracker.propagate(null, false, null, r -> out.write(r, frameName(r.frameIdx()), frames.frame(r.frameIdx())));
 *   out.commit();
 * }
 * }</pre>
 */
public final class TrackOutput implements AutoCloseable {
  /** Longest side of the overlay GIF's frames. */
  public static final int GIF_MAX_SIDE = 640;

  private static final Pattern STAGING = Pattern.compile("\\.track\\.sam4j-(\\d+)-\\d+\\.part");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String name;
  private final Path staging;
  private final boolean createdDir;
  private final int width;
  private final int height;
  private final TrackJsonWriter json;
  private final OverlayGifWriter gif;
  private final List<Integer> objectOrder = new ArrayList<>();
  private int frames;
  private boolean done;

  private TrackOutput(Path dir, String name, Path staging, boolean createdDir, int width, int height,
      TrackJsonWriter json, OverlayGifWriter gif) {
    this.dir = dir;
    this.name = name;
    this.staging = staging;
    this.createdDir = createdDir;
    this.width = width;
    this.height = height;
    this.json = json;
    this.gif = gif;
  }

  /**
   * Starts an output.
   *
   * @param name the video's name: the masks' folder and the stem of the JSON and GIF
   * @param fps frame rate of the overlay GIF
   * @param overlay whether to write the overlay GIF
   * @throws SamException of kind {@code IO} when {@code dir} cannot be created or written
   */
  public static TrackOutput create(Path dir, String name, String source, int width, int height,
      int frameCount, double fps, boolean overlay) {
    if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
      throw new IllegalArgumentException("bad output name '" + name + "'");
    }
    boolean created = !Files.exists(dir);
    Path staging = null;
    TrackJsonWriter json = null;
    try {
      Files.createDirectories(dir);
      removeStaleStaging(dir);
      staging = dir.resolve(".track.sam4j-" + ProcessHandle.current().pid() + "-"
          + Long.toUnsignedString(RANDOM.nextLong()) + ".part");
      Files.createDirectory(staging);
      Files.createDirectory(staging.resolve(name));
      json = new TrackJsonWriter(staging.resolve(name + ".json"), source, width, height, frameCount);
      OverlayGifWriter gif = overlay ? new OverlayGifWriter(staging.resolve(name + ".gif"), fps, GIF_MAX_SIDE) : null;
      return new TrackOutput(dir, name, staging, created, width, height, json, gif);
    } catch (IOException | RuntimeException e) {
      if (json != null) {
        try {
          json.close();
        } catch (IOException ignored) {
          // the staging folder goes anyway
        }
      }
      TempDirs.deleteQuietly(staging);
      if (created) {
        TempDirs.deleteQuietly(dir);
      }
      if (e instanceof RuntimeException re && !(e instanceof java.io.UncheckedIOException)) {
        throw re;
      }
      throw new SamException(SamException.Kind.IO, "cannot write tracking output to " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** The folder of the palette PNGs once committed: {@code DIR/NAME}. */
  public Path masksDir() {
    return dir.resolve(name);
  }

  /** The JSON once committed. */
  public Path jsonFile() {
    return dir.resolve(name + ".json");
  }

  /** The overlay GIF once committed, or null when not written. */
  public Path gifFile() {
    return gif == null ? null : dir.resolve(name + ".gif");
  }

  /**
   * Writes one tracked frame.
   *
   * @param frameName the PNG's stem (the JPEG's stem for a frame folder, {@code %05d} otherwise)
   * @param image the frame's pixels for the overlay (may be null without an overlay)
   */
  public void write(FrameResult result, String frameName, RgbImage image) {
    if (done) {
      throw new IllegalStateException("tracking output already committed or closed");
    }
    try {
      for (ObjectResult o : result.objects()) {
        DavisPalette.checkId(o.objId());
        if (!objectOrder.contains(o.objId())) {
          objectOrder.add(o.objId());
        }
      }
      DavisPalette.writePng(staging.resolve(name).resolve(frameName + ".png"),
          DavisPalette.labels(result, width, height), width, height);
      json.frame(result, frameName);
      if (gif != null) {
        List<Mask> masks = new ArrayList<>();
        for (int id : objectOrder) {
          Mask m = null;
          for (ObjectResult o : result.objects()) {
            if (o.objId() == id && o.hasOutput()) {
              m = o.mask();
            }
          }
          masks.add(m);
        }
        gif.frame(image, masks);
      }
      frames++;
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new SamException(SamException.Kind.IO, "cannot write tracking output for frame "
          + result.frameIdx() + " to " + staging + ": " + e.getMessage(), e);
    }
  }

  /** Frames written so far. */
  public int frames() {
    return frames;
  }

  /**
   * Finishes the JSON and GIF and moves everything into {@code DIR}, replacing the outputs of an
   * earlier run of the same video.
   */
  public void commit() {
    if (done) {
      throw new IllegalStateException("tracking output already committed or closed");
    }
    done = true;
    try {
      json.finish();
      if (gif != null) {
        gif.finish();
      }
      List<String> entries = new ArrayList<>(List.of(name, name + ".json"));
      if (gif != null) {
        entries.add(name + ".gif");
      }
      Path old = staging.resolve(".replaced");
      Files.createDirectory(old);
      for (String e : entries) {
        Path target = dir.resolve(e);
        if (Files.exists(target)) {
          AtomicFiles.replace(target, old.resolve(e));
        }
        AtomicFiles.replace(staging.resolve(e), target);
      }
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot move tracking output into " + dir + ": "
          + e.getMessage(), e);
    } finally {
      TempDirs.deleteQuietly(staging);
    }
  }

  /** Discards everything not committed. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    try {
      json.close();
    } catch (IOException ignored) {
      // deleted below
    }
    if (gif != null) {
      try {
        gif.close();
      } catch (IOException ignored) {
        // deleted below
      }
    }
    TempDirs.deleteQuietly(staging);
    if (createdDir) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isEmpty()) {
          Files.deleteIfExists(dir);
        }
      } catch (IOException ignored) {
        // an empty folder left behind is harmless
      }
    }
  }

  private static void removeStaleStaging(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Matcher m = STAGING.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p) && !alive(m.group(1))) {
          TempDirs.deleteQuietly(p);
        }
      }
    }
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
