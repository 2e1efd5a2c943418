package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * The frames of a video file (MP4/H.264, and anything else FFmpeg decodes: MOV, MKV, WebM,
 * H.265, VP9, AV1...), decoded by FFmpeg through JavaCV's {@code FFmpegFrameGrabber}.
 *
 * <p>Frames are decoded when asked for and at most {@link #cacheFrames()} decoded frames are held,
 * so a long video costs no more memory than a short one. Frame {@code i} is the {@code i}-th frame
 * in presentation order (B-frames reordered), counted from the first decodable frame; a jump is a
 * seek to the key frame before it followed by decoding forward. Reading in reverse decodes
 * {@link #cacheFrames()} frames per seek and keeps them, so reverse propagation costs about one
 * seek per window rather than one per frame. The display rotation of phone videos is applied.
 * Pixels come from FFmpeg's YUV-to-RGB conversion and need not match frames extracted by another
 * tool bit for bit.
 *
 * <pre>{@code
 * try (VideoFileFrameSource video = VideoFileFrameSource.open(Path.of("clip.mp4"))) {
 *   RgbImage first = video.frame(0);
 * }
 * }</pre>
 *
 * <p>Not thread-safe for concurrent readers beyond what {@code synchronized} gives: calls are
 * serialized.
 */
public final class VideoFileFrameSource implements FrameSource {
  /** Decoded frames held by default: 16, or fewer when 16 frames would pass 64 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 64L << 20;

  private final Path file;
  private final FFmpegFrameGrabber grabber;
  private final int frameCount;
  private final double fps;
  private final long startMicros;
  private final int rotation;
  private final int width;
  private final int height;
  private final int cacheFrames;
  private final LinkedHashMap<Integer, RgbImage> cache;
  /** Index of the frame the next {@code grabImage} returns, or -1 when unknown. */
  private int next;
  private boolean closed;

  private VideoFileFrameSource(Path file, FFmpegFrameGrabber grabber, int frameCount, double fps,
      long startMicros, int rotation, int width, int height, int cacheFrames) {
    this.file = file;
    this.grabber = grabber;
    this.frameCount = frameCount;
    this.fps = fps;
    this.startMicros = startMicros;
    this.rotation = rotation;
    this.width = width;
    this.height = height;
    this.cacheFrames = cacheFrames;
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, RgbImage> eldest) {
        return size() > VideoFileFrameSource.this.cacheFrames;
      }
    };
  }

  /** Opens a video file with the default cache (see {@link #DEFAULT_CACHE_BYTES}). */
  public static VideoFileFrameSource open(Path file) {
    return open(file, 0);
  }

  /**
   * Opens a video file and decodes its first frame.
   *
   * @param cacheFrames decoded frames to hold (at least 2), or 0 for the default
   * @throws SamException of kind {@code IO} when the file is missing, {@code BAD_INPUT} when it is
   *     not a video FFmpeg can decode (an image, a text file, a truncated file, audio only)
   */
  public static VideoFileFrameSource open(Path file, int cacheFrames) {
    if (cacheFrames < 0 || cacheFrames == 1) {
      throw new IllegalArgumentException("cacheFrames must be 0 (default) or at least 2, got " + cacheFrames);
    }
    if (!Files.isRegularFile(file)) {
      throw new SamException(SamException.Kind.IO, "video file " + file + " does not exist or is not a file");
    }
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
    try {
      g.start();
      String format = g.getFormat() == null ? "" : g.getFormat();
      if (!g.hasVideo() || g.getImageWidth() <= 0 || format.contains("_pipe") || format.equals("image2")) {
        throw notVideo(file, format.isEmpty() ? "no video stream" : "FFmpeg reads it as " + format
            + (g.hasVideo() ? " (a still image)" : " with no video stream"), null);
      }
      double fps = g.getVideoFrameRate() > 0 ? g.getVideoFrameRate() : g.getFrameRate();
      if (!(fps > 0)) {
        throw notVideo(file, "its video stream has no frame rate", null);
      }
      Frame f = g.grabImage();
      if (f == null || f.image == null) {
        throw notVideo(file, "it holds no decodable video frame", null);
      }
      int rotation = Math.floorMod((int) Math.round(-g.getDisplayRotation()), 360);
      if (rotation % 90 != 0) {
        rotation = 0;
      }
      RgbImage first = Frames.toRgb(f, rotation);
      int count = g.getLengthInVideoFrames();
      if (count <= 0) {
        count = countFrames(file);
      }
      int frames = Math.max(1, count);
      long bytes = (long) first.width() * first.height() * 3;
      int cap = cacheFrames > 0 ? cacheFrames : (int) Math.max(2, Math.min(16, DEFAULT_CACHE_BYTES / bytes));
      VideoFileFrameSource v = new VideoFileFrameSource(file, g, frames, fps, f.timestamp, rotation,
          first.width(), first.height(), cap);
      v.cache.put(0, first);
      v.next = 1;
      return v;
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(g);
      if (e instanceof SamException se) {
        throw se;
      }
      throw notVideo(file, e.getMessage(), e);
    }
  }

  private static SamException notVideo(Path file, String why, Throwable cause) {
    return new SamException(SamException.Kind.BAD_INPUT, "video file " + file + " is not a video sam4j can"
        + " decode (" + why + "); pass an MP4 (H.264) file or a folder of JPEG frames", cause);
  }

  /** Counts the video packets when the container does not say how many frames it holds. */
  private static int countFrames(Path file) throws FrameGrabber.Exception {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    try {
      g.start();
      int n = 0;
      while (g.grabImage() != null) {
        n++;
      }
      return n;
    } finally {
      release(g);
    }
  }

  private static void release(FFmpegFrameGrabber g) {
    try {
      g.release();
    } catch (FrameGrabber.Exception | RuntimeException ignored) {
      // nothing more can be done about a grabber that fails to close
    }
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  /** Frames per second as the container states it. */
  public double fps() {
    return fps;
  }

  /** Most decoded frames held at once. */
  public int cacheFrames() {
    return cacheFrames;
  }

  /** Decoded frames held now (for tests of the memory bound). */
  synchronized int cachedFrames() {
    return cache.size();
  }

  @Override
  public int frameCount() {
    return frameCount;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public synchronized RgbImage frame(int index) {
    if (closed) {
      throw new IllegalStateException("video source " + file + " is closed");
    }
    if (index < 0 || index >= frameCount) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " does not exist: the video "
          + file + " has " + frameCount + " frames (0.." + (frameCount - 1) + ")");
    }
    RgbImage hit = cache.get(index);
    if (hit != null) {
      return hit;
    }
    try {
      // forward within reach: keep decoding; anything else: seek to a window that ends at index
      if (next < 0 || index < next || index - next > 2 * cacheFrames) {
        seek(Math.max(0, index - cacheFrames + 1));
      }
      while (next <= index) {
        Frame f = grabber.grabImage();
        if (f == null || f.image == null) {
          throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " of video " + file
              + " cannot be decoded: the stream ends after frame " + (next - 1) + " although the file"
              + " announces " + frameCount + " frames");
        }
        int at = next++;
        if (at > index - cacheFrames) {
          cache.put(at, Frames.toRgb(f, rotation));
        }
      }
      return cache.get(index);
    } catch (FrameGrabber.Exception e) {
      next = -1;
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " of video " + file
          + " cannot be decoded: " + e.getMessage(), e);
    }
  }

  /** Positions the grabber so that the next frame grabbed is frame {@code target}. */
  private void seek(int target) throws FrameGrabber.Exception {
    next = -1;
    if (target == 0) {
      grabber.setVideoTimestamp(startMicros);
      next = 0;
      return;
    }
    // javacv's precise seek decodes from the key frame up to the first frame at or after the time;
    // aim half a frame early so that rounding never skips the target
    long micros = startMicros + Math.round((target - 0.5) * 1e6 / fps);
    grabber.setVideoTimestamp(micros);
    Frame f = grabber.grabImage();
    if (f == null || f.image == null) {
      throw new FrameGrabber.Exception("seeking to frame " + target + " found no frame");
    }
    int at = (int) Math.round((f.timestamp - startMicros) * fps / 1e6);
    if (at > target) {
      // a variable frame rate put the time past the target: decode from the start instead
      grabber.setVideoTimestamp(startMicros);
      next = 0;
      return;
    }
    cache.put(at, Frames.toRgb(f, rotation));
    next = at + 1;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      cache.clear();
      release(grabber);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "VideoFileFrameSource[%s, %dx%d, %d frames, %.3f fps]", file,
        width, height, frameCount, fps);
  }
}
