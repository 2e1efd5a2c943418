package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;

/**
 * A synthetic clip for memory and speed measurements: the frames of another source played over
 * and over to any length (frame {@code i} is base frame {@code i mod n}). Each base frame is
 * decoded once and kept, so the memory held is that of the {@code n} base frames whatever the
 * length. Closing it closes the base source.
 *
 * <pre>{@code
 * try (FrameSource clip = RepeatedFrameSource.of(FolderFrameSource.open(dir), 1000)) { ... }
 * }</pre>
 */
public final class RepeatedFrameSource implements FrameSource {
  /** The most base frames held decoded; a longer base is read from its source each time. */
  public static final int MAX_HELD = 64;

  private final FrameSource base;
  private final int length;
  private final int period;
  private final RgbImage[] held;

  private RepeatedFrameSource(FrameSource base, int length, int period) {
    this.base = base;
    this.length = length;
    this.period = period;
    this.held = new RgbImage[Math.min(period, MAX_HELD)];
  }

  /**
   * Repeats every frame of {@code base} to {@code length} frames.
   *
   * @throws IllegalArgumentException when the base is empty or the length is not positive
   */
  public static RepeatedFrameSource of(FrameSource base, int length) {
    if (length <= 0) {
      throw new IllegalArgumentException("length must be positive, got " + length);
    }
    if (base.frameCount() <= 0) {
      throw new IllegalArgumentException("the base source holds no frame to repeat");
    }
    return new RepeatedFrameSource(base, length, base.frameCount());
  }

  /** Frames of the base source that repeat. */
  public int period() {
    return period;
  }

  @Override
  public int frameCount() {
    return length;
  }

  @Override
  public int width() {
    return base.width();
  }

  @Override
  public int height() {
    return base.height();
  }

  @Override
  public synchronized RgbImage frame(int index) {
    if (index < 0 || index >= length) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " does not exist: the"
          + " repeated clip has " + length + " frames (0.." + (length - 1) + ")");
    }
    int b = index % period;
    if (b >= held.length) {
      return base.frame(b);
    }
    if (held[b] == null) {
      held[b] = base.frame(b);
    }
    return held[b];
  }

  @Override
  public void close() {
    base.close();
  }
}
