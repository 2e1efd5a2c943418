package io.sam4j.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A least-recently-used cache bounded by entry count and by bytes, that computes each missing
 * value once even when several threads ask for it at the same time (the others wait for it).
 *
 * @param <K> the key
 * @param <V> the value
 */
final class LruCache<K, V> {
  private final int maxEntries;
  private final long maxBytes;
  private final ToLongFunction<V> sizer;
  private final LinkedHashMap<K, CompletableFuture<V>> map = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<K, Long> sizes = new java.util.HashMap<>();
  private long bytes;
  private long computed;

  LruCache(int maxEntries, long maxBytes, ToLongFunction<V> sizer) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.sizer = sizer;
  }

  /** The cached value, or null. */
  V getIfPresent(K key) {
    CompletableFuture<V> f;
    synchronized (this) {
      f = map.get(key);
    }
    return f == null ? null : join(f);
  }

  /** The cached value, computed (once) when missing. */
  V get(K key, Function<K, V> compute) {
    CompletableFuture<V> f;
    boolean mine = false;
    synchronized (this) {
      f = map.get(key);
      if (f == null) {
        f = new CompletableFuture<>();
        map.put(key, f);
        mine = true;
      }
    }
    if (mine) {
      try {
        V v = compute.apply(key);
        f.complete(v);
        admit(key, f, sizer.applyAsLong(v));
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          map.remove(key, f);
        }
        f.completeExceptionally(e);
        throw e;
      }
    }
    return join(f);
  }

  /** Stores a value, replacing any earlier one. */
  void put(K key, V value) {
    CompletableFuture<V> f = CompletableFuture.completedFuture(value);
    synchronized (this) {
      Long old = sizes.remove(key);
      if (old != null) {
        bytes -= old;
      }
      map.put(key, f);
    }
    admit(key, f, sizer.applyAsLong(value));
  }

  private synchronized void admit(K key, CompletableFuture<V> f, long size) {
    if (map.get(key) != f) {
      return; // evicted meanwhile
    }
    computed++;
    sizes.put(key, size);
    bytes += size;
    Iterator<Map.Entry<K, CompletableFuture<V>>> it = map.entrySet().iterator();
    while ((map.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
      Map.Entry<K, CompletableFuture<V>> e = it.next();
      if (e.getKey().equals(key) || !e.getValue().isDone()) {
        continue; // the newest entry stays; computations in flight are not counted yet
      }
      Long s = sizes.remove(e.getKey());
      bytes -= s == null ? 0 : s;
      it.remove();
    }
  }

  /** Completed entries and their bytes, and how many values were ever computed or put. */
  synchronized long[] stats() {
    return new long[] {sizes.size(), bytes, computed};
  }

  private static <V> V join(CompletableFuture<V> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted while waiting for another request's result");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }
}
