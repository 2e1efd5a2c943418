package io.sam4j.video;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;

/**
 * Frames pushed one at a time, as a camera delivers them. Only the last {@link #retain()} frames
 * are kept: older ones are dropped, so memory stays bounded however long the stream runs, and
 * asking for a dropped frame is an error that says which frames are still held. Safe to push from
 * one thread while another reads.
 *
 * <pre>{@code
 * PushedFrameSource camera = new PushedFrameSource(640, 480, 8);
 * int index = camera.push(frame);   // 0, 1, 2, ...
 * }</pre>
 */
public final class PushedFrameSource implements FrameSource {
  private final int width;
  private final int height;
  private final RgbImage[] ring;
  private int count;
  private boolean closed;

  /**
   * A source for frames of one size.
   *
   * @param retain how many of the most recent frames are kept, at least 1
   */
  public PushedFrameSource(int width, int height, int retain) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
    }
    if (retain < 1) {
      throw new IllegalArgumentException("retain must be at least 1, got " + retain);
    }
    this.width = width;
    this.height = height;
    this.ring = new RgbImage[retain];
  }

  /**
   * Appends a frame.
   *
   * @return the new frame's index
   * @throws SamException of kind {@code BAD_IMAGE} when its size is not the source's
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized int push(RgbImage frame) {
    if (closed) {
      throw new IllegalStateException("pushed frame source is closed");
    }
    if (frame.width() != width || frame.height() != height) {
      throw new SamException(SamException.Kind.BAD_IMAGE, "pushed frame " + count + " is " + frame.width()
          + "x" + frame.height() + ", the source takes " + width + "x" + height
          + "; every frame of a video must have the same size");
    }
    ring[count % ring.length] = frame;
    return count++;
  }

  /** How many recent frames are kept. */
  public int retain() {
    return ring.length;
  }

  /** Index of the oldest frame still held (0 before any was dropped). */
  public synchronized int oldestRetained() {
    return Math.max(0, count - ring.length);
  }

  @Override
  public synchronized int frameCount() {
    return count;
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
      throw new IllegalStateException("pushed frame source is closed");
    }
    if (index < 0 || index >= count) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " does not exist: "
          + (count == 0 ? "no frame has been pushed yet" : count + " frames have been pushed (0.." + (count - 1) + ")"));
    }
    if (index < count - ring.length) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frame " + index + " was dropped: this pushed"
          + " source keeps only the last " + ring.length + " frames (now " + (count - ring.length) + ".."
          + (count - 1) + "); create it with a larger retain to read further back");
    }
    return ring[index % ring.length];
  }

  /** Drops every frame held; pushing or reading afterwards throws. */
  @Override
  public synchronized void close() {
    closed = true;
    java.util.Arrays.fill(ring, null);
  }
}
