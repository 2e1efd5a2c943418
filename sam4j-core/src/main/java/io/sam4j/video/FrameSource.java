package io.sam4j.video;

import io.sam4j.image.RgbImage;

/**
 * The frames of one video, decoded on demand: a folder of JPEG frames (as the reference video
 * predictors read them), a video file, or frames pushed one at a time by a camera. Frames are
 * numbered from 0; every frame has the same size. Implementations decode lazily and hold at most
 * a bounded number of decoded frames, so a long video costs no more memory than a short one.
 */
public interface FrameSource extends AutoCloseable {
  /** Number of frames known now (for a pushed source, the frames pushed so far). */
  int frameCount();

  /** Width of every frame in pixels. */
  int width();

  /** Height of every frame in pixels. */
  int height();

  /**
   * Decodes one frame.
   *
   * @param index 0-based frame index, {@code 0 <= index < frameCount()}
   * @throws io.sam4j.SamException naming the frame when it is missing or cannot be decoded, or
   *     when the index is out of range
   */
  RgbImage frame(int index);

  /** Releases files or decoders held open; the default holds none. */
  @Override
  default void close() {}
}
