package io.sam4j.server;

import io.sam4j.ImageEmbedding;
import io.sam4j.SamPredictor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * Idle predictors kept per (model, image), most recently used first, at most {@code maxIdle} in
 * all: a predictor remembers the decoder's per-image prologue, so the next click on the same
 * image skips it. A borrowed predictor is used by one request at a time (they are not
 * thread-safe); the model itself is shared by all of them.
 */
final class PredictorPool implements AutoCloseable {
  private record Idle(String key, SamPredictor predictor) {}

  private final int maxIdle;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  PredictorPool(int maxIdle) {
    this.maxIdle = maxIdle;
  }

  /** A predictor set to the image of {@code key}: an idle one, or a new one. */
  SamPredictor borrow(ServedModel model, String key, Supplier<ImageEmbedding> embedding) {
    synchronized (this) {
      for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (i.key().equals(key)) {
          it.remove();
          return i.predictor();
        }
      }
    }
    SamPredictor p = model.model().newPredictor();
    try {
      p.setEmbedding(embedding.get());
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Gives a predictor back after a request that went well (one that failed is closed). */
  void release(String key, SamPredictor p) {
    SamPredictor evicted = p;
    synchronized (this) {
      if (!closed) {
        idle.addFirst(new Idle(key, p));
        evicted = idle.size() > maxIdle ? idle.removeLast().predictor() : null;
      }
    }
    if (evicted != null) {
      evicted.close();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    Idle i;
    while ((i = poll()) != null) {
      i.predictor().close();
    }
  }

  private synchronized Idle poll() {
    return idle.pollFirst();
  }
}
