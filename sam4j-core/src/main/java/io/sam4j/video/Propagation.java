package io.sam4j.video;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A propagation in progress ({@code propagate_in_video}): each {@link #next()} tracks every object
 * on one more frame and returns its result, in processing order. Stop early with {@link #cancel()}
 * (or by not asking for more); frames already tracked stay in the state, as in the reference.
 *
 * <pre>{@code
 * try (Propagation p = tracker.propagate()) {
 *   while (p.hasNext()) {
 *     FrameResult r = p.next();
 *   }
 * }
 * }</pre>
 */
public final class Propagation implements Iterator<FrameResult>, AutoCloseable {
  private final TrackingEngine engine;
  private final List<Integer> order;
  private final boolean reverse;
  private int at;
  private volatile boolean cancelled;

  Propagation(TrackingEngine engine, List<Integer> order, boolean reverse) {
    this.engine = engine;
    this.order = order;
    this.reverse = reverse;
  }

  /** The frames this propagation visits, in order. */
  public List<Integer> frames() {
    return order;
  }

  @Override
  public boolean hasNext() {
    return !cancelled && at < order.size();
  }

  @Override
  public FrameResult next() {
    if (!hasNext()) {
      throw new NoSuchElementException(cancelled ? "the propagation was cancelled"
          : "the propagation has visited all its frames");
    }
    return engine.propagateFrame(order.get(at++), reverse);
  }

  /** Stops: {@link #hasNext()} is false from now on (a frame being tracked finishes). */
  public void cancel() {
    cancelled = true;
  }

  /** Same as {@link #cancel()}. */
  @Override
  public void close() {
    cancel();
  }
}
