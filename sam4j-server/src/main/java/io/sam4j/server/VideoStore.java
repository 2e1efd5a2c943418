package io.sam4j.server;

import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameSource;
import io.sam4j.video.VideoFileFrameSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The uploaded videos, each in its own folder under the server's temporary folder: JPEG frames
 * {@code 00000.jpg, 00001.jpg, ...} written by the server itself (names from a zip only decide the
 * order, so no uploaded name ever reaches the file system), or one video file ({@code video.bin},
 * decoded by FFmpeg). Bounded by count: the least recently used video without an open session is
 * deleted to make room.
 */
final class VideoStore implements AutoCloseable {
  static final Pattern ID = Pattern.compile("v[0-9a-f]{32}");
  /** Entries a zip may hold (frames and ignored files together). */
  static final int MAX_ENTRIES = 20_000;

  /** One stored video. */
  static final class Video {
    final String id;
    final Path dir;
    /** The video file, or null for a folder of JPEG frames. */
    Path file;
    /** Decodes the file's frames for the frame endpoint (file videos only), or null. */
    VideoFileFrameSource preview;
    int frames;
    int width;
    int height;
    int sessions;

    Video(String id, Path dir) {
      this.id = id;
      this.dir = dir;
    }

    /** A frame as JPEG bytes: the stored file, or the video file's frame encoded. */
    byte[] frameJpeg(int index) throws IOException {
      if (index < 0 || index >= frames) {
        throw ApiException.notFound("frame " + index + " does not exist: video " + id + " has "
            + frames + " frames (0.." + (frames - 1) + ")");
      }
      if (file == null) {
        return Files.readAllBytes(dir.resolve(String.format(Locale.ROOT, "%05d.jpg", index)));
      }
      RgbImage img;
      synchronized (this) {
        img = preview.frame(index);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(Images.toBufferedImage(img), "jpeg", out);
      return out.toByteArray();
    }

    /** Opens the frames for a session (closed with it). */
    FrameSource open() {
      return file == null ? FolderFrameSource.open(dir) : VideoFileFrameSource.open(file);
    }
  }

  private final Path root;
  private final int maxVideos;
  private final long maxPixels;
  private final long maxBytes;
  private final LinkedHashMap<String, Video> videos = new LinkedHashMap<>(16, 0.75f, true);

  VideoStore(ServerConfig config) {
    try {
      this.root = Files.createTempDirectory("sam4j-videos");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the video folder", e);
    }
    this.maxVideos = config.maxVideos();
    this.maxPixels = config.maxPixels();
    this.maxBytes = config.maxUploadBytes();
  }

  /** Stores the JPEG frames of a zip (ordered by the integer stems of their names). */
  synchronized Video putZip(byte[] zip) {
    Map<Long, byte[]> frames = unzip(zip);
    Video v = create();
    try {
      for (byte[] f : frames.values()) {
        append(v, f);
      }
    } catch (RuntimeException e) {
      delete(v);
      throw e;
    }
    return v;
  }

  /** Stores a video of one frame (more are appended with {@link #append}). */
  synchronized Video putFrame(byte[] jpeg) {
    Video v = create();
    try {
      append(v, jpeg);
    } catch (RuntimeException e) {
      delete(v);
      throw e;
    }
    return v;
  }

  /** Stores a video file (MP4 and whatever else FFmpeg decodes). */
  synchronized Video putFile(byte[] bytes) {
    Video v = create();
    try {
      v.file = v.dir.resolve("video.bin");
      Files.write(v.file, bytes);
      v.preview = VideoFileFrameSource.open(v.file, 2);
      if ((long) v.preview.width() * v.preview.height() > maxPixels) {
        throw new ApiException(413, "the video's frames are " + v.preview.width() + "x"
            + v.preview.height() + ", over the limit of " + maxPixels + " pixels");
      }
      v.frames = v.preview.frameCount();
      v.width = v.preview.width();
      v.height = v.preview.height();
    } catch (IOException e) {
      delete(v);
      throw new UncheckedIOException("cannot store the video", e);
    } catch (RuntimeException e) {
      delete(v);
      throw e;
    }
    return v;
  }

  /** Appends a JPEG frame of the video's size (sessions opened later see it). */
  synchronized void append(Video v, byte[] jpeg) {
    if (v.file != null) {
      throw new ApiException(409, "video " + v.id + " is a video file; frames can be appended"
          + " only to a video uploaded as frames");
    }
    int[] size = jpegSize(jpeg, "frame " + v.frames);
    if (v.frames == 0) {
      // decoded once in full, so a damaged first frame is refused now rather than at open
      Images.decode(jpeg, "frame 0", maxPixels);
      v.width = size[0];
      v.height = size[1];
    } else if (size[0] != v.width || size[1] != v.height) {
      throw ApiException.badRequest("frame " + v.frames + " is " + size[0] + "x" + size[1]
          + ", frame 0 is " + v.width + "x" + v.height + "; every frame of a video must have the"
          + " same size");
    }
    try {
      Files.write(v.dir.resolve(String.format(Locale.ROOT, "%05d.jpg", v.frames)), jpeg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a video frame", e);
    }
    v.frames++;
  }

  synchronized Video get(String id) {
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest("'" + id + "' is not a video id (from POST /v1/videos)");
    }
    Video v = videos.get(id);
    if (v == null) {
      throw ApiException.notFound("no video with id " + id + " (never uploaded, deleted, or"
          + " evicted: upload it again)");
    }
    return v;
  }

  synchronized void remove(Video v) {
    if (v.sessions > 0) {
      throw new ApiException(409, "video " + v.id + " has " + v.sessions + " open session(s);"
          + " close them first (DELETE /v1/sessions/{id})");
    }
    videos.remove(v.id);
    delete(v);
  }

  synchronized void opened(Video v) {
    v.sessions++;
  }

  synchronized void closed(Video v) {
    v.sessions--;
  }

  private Video create() {
    if (videos.size() >= maxVideos) {
      Iterator<Video> it = videos.values().iterator();
      while (it.hasNext()) {
        Video old = it.next();
        if (old.sessions == 0) {
          it.remove();
          delete(old);
          break;
        }
      }
      if (videos.size() >= maxVideos) {
        throw new ApiException(503, "the server holds " + maxVideos + " videos, all in open"
            + " sessions; close a session or try again later");
      }
    }
    String id = "v" + UUID.randomUUID().toString().replace("-", "");
    Video v = new Video(id, root.resolve(id));
    try {
      Files.createDirectories(v.dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a video folder", e);
    }
    videos.put(id, v);
    return v;
  }

  private void delete(Video v) {
    videos.remove(v.id);
    if (v.preview != null) {
      v.preview.close();
    }
    deleteTree(v.dir);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the temporary folder is cleaned by the system
    }
  }

  /**
   * The JPEG entries of a zip by frame number. Every name is checked: no absolute or parent
   * paths, at most one folder level, an integer stem; uncompressed bytes are counted as they are
   * read (not as the zip declares them), so a zip bomb stops at the upload limit.
   */
  private Map<Long, byte[]> unzip(byte[] zip) {
    TreeMap<Long, byte[]> out = new TreeMap<>();
    long total = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      byte[] buf = new byte[65536];
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (++entries > MAX_ENTRIES) {
          throw new ApiException(413, "the zip holds over " + MAX_ENTRIES + " entries");
        }
        String name = e.getName();
        if (name.startsWith("/") || name.startsWith("\\") || name.contains("\\")
            || name.contains(":") || List.of(name.split("/")).contains("..")) {
          throw ApiException.badRequest("zip entry '" + name + "' is a path outside the zip"
              + " (absolute, '..' or a drive); zip the frames themselves: zip -j frames.zip"
              + " DIR/*.jpg");
        }
        String base = name.substring(name.lastIndexOf('/') + 1);
        String lower = base.toLowerCase(Locale.ROOT);
        if (e.isDirectory() || name.startsWith("__MACOSX/") || base.startsWith(".")
            || !(lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) {
          continue; // folders, macOS metadata and other files are not frames
        }
        if (name.indexOf('/') != name.lastIndexOf('/')) {
          throw ApiException.badRequest("zip entry '" + name + "' is nested more than one folder"
              + " deep; put the frames at the top of the zip or in one folder");
        }
        long stem;
        try {
          stem = Long.parseLong(base.substring(0, base.lastIndexOf('.')));
        } catch (NumberFormatException ex) {
          throw ApiException.badRequest("zip entry '" + name + "' is not named by its frame"
              + " number; name the frames 00000.jpg, 00001.jpg, ...");
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int n; (n = in.read(buf)) > 0; ) {
          total += n;
          if (total > 4 * maxBytes) {
            throw new ApiException(413, "the zip unpacks to over " + 4 * maxBytes + " bytes (4x"
                + " the upload limit); send fewer or smaller frames");
          }
          b.write(buf, 0, n);
        }
        if (out.put(stem, b.toByteArray()) != null) {
          throw ApiException.badRequest("two zip entries are frame " + stem);
        }
      }
    } catch (ZipException e) {
      throw ApiException.badRequest("the upload is not a readable zip: " + e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the zip cannot be read: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw ApiException.badRequest("the zip holds no .jpg/.jpeg frames (named 00000.jpg,"
          + " 00001.jpg, ...)");
    }
    return out;
  }

  /** Width and height from a JPEG's header, checked against the pixel limit. */
  private int[] jpegSize(byte[] bytes, String what) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader r = readers.hasNext() ? readers.next() : null;
      if (r == null || !r.getFormatName().toLowerCase(Locale.ROOT).contains("jpeg")) {
        throw ApiException.badRequest(what + " is not a JPEG image");
      }
      try {
        r.setInput(in, true, true);
        int w = r.getWidth(0);
        int h = r.getHeight(0);
        if ((long) w * h > maxPixels) {
          throw new ApiException(413, what + " claims " + w + "x" + h + " pixels, over the limit"
              + " of " + maxPixels);
        }
        return new int[] {w, h};
      } finally {
        r.dispose();
      }
    } catch (IOException e) {
      throw ApiException.badRequest(what + " is not a readable JPEG: " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    for (Video v : new ArrayList<>(videos.values())) {
      delete(v);
    }
    deleteTree(root);
  }
}
