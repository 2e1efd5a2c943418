package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of JPEG frames as the reference's {@code load_video_frames} reads it: files ending in
 * {@code .jpg}/{@code .jpeg} (any case), ordered by the integer value of their file stems
 * ({@code 00000.jpg}, {@code 00001.jpg}, ...). Frames are decoded when asked for; the size is
 * taken from frame 0, and a frame of another size is refused.
 */
public final class FolderFrameSource implements FrameSource {
  private final Path dir;
  private final List<Path> files;
  private final int width;
  private final int height;

  private FolderFrameSource(Path dir, List<Path> files, int width, int height) {
    this.dir = dir;
    this.files = files;
    this.width = width;
    this.height = height;
  }

  /**
   * Lists the folder and decodes frame 0 for the video size.
   *
   * @throws SamException when the folder is missing, holds no JPEG, a stem is not an integer, or
   *     frame 0 cannot be decoded
   */
  public static FolderFrameSource open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SamException(SamException.Kind.IO, "video frame folder " + dir + " does not exist or is not a folder;"
          + " pass a folder of JPEG frames named by frame number (00000.jpg, 00001.jpg, ...)");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg");
      }).forEach(files::add);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot list video frame folder " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new SamException(SamException.Kind.IO, "video frame folder " + dir + " holds no .jpg/.jpeg frames;"
          + " extract the frames first (e.g. ffmpeg -i video.mp4 -q:v 2 -start_number 0 DIR/%05d.jpg)");
    }
    for (Path f : files) {
      stem(f);
    }
    files.sort(Comparator.comparingLong(FolderFrameSource::stem));
    RgbImage first = decode(files.get(0), 0);
    return new FolderFrameSource(dir, List.copyOf(files), first.width(), first.height());
  }

  private static long stem(Path f) {
    String n = f.getFileName().toString();
    String s = n.substring(0, n.lastIndexOf('.'));
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "video frame " + f + " is not named by its frame number;"
          + " name the frames 00000.jpg, 00001.jpg, ... as the reference expects");
    }
  }

  private static RgbImage decode(Path f, int index) {
    try {
      return Images.read(f);
    } catch (SamException e) {
      throw new SamException(e.kind(), "video frame " + index + " (" + f + ") cannot be read: "
          + e.getMessage(), e);
    }
  }

  /** The folder read. */
  public Path dir() {
    return dir;
  }

  /** The frame files in frame order. */
  public List<Path> files() {
    return files;
  }

  @Override
  public int frameCount() {
    return files.size();
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
  public RgbImage frame(int index) {
    if (index < 0 || index >= files.size()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " does not exist: the video in " + dir + " has "
          + files.size() + " frames (0.." + (files.size() - 1) + ")");
    }
    RgbImage img = decode(files.get(index), index);
    if (img.width() != width || img.height() != height) {
      throw new SamException(SamException.Kind.BAD_IMAGE, "video frame " + index + " (" + files.get(index) + ") is "
          + img.width() + "x" + img.height() + ", frame 0 is " + width + "x" + height
          + "; every frame of a video must have the same size");
    }
    return img;
  }
}
