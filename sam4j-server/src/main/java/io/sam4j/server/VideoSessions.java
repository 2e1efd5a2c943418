package io.sam4j.server;

import io.sam4j.video.FrameSource;
import io.sam4j.video.Propagation;
import io.sam4j.video.TrackerOptions;
import io.sam4j.video.VideoTracker;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The open video sessions: each a {@link VideoTracker} over a stored video, used by one request at
 * a time (its lock), bounded in number (one more is answered 429), and closed after a period
 * without requests (its memories, spill file and frame cache freed).
 */
final class VideoSessions implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(VideoSessions.class.getName());
  static final Pattern ID = Pattern.compile("s[0-9a-f]{32}");

  /** One tracking session. The tracker is used only while {@link #lock} is held. */
  static final class Session {
    final String id;
    final VideoStore.Video video;
    final ServedModel model;
    final FrameSource frames;
    final VideoTracker tracker;
    final ReentrantLock lock = new ReentrantLock();
    volatile long lastUsed = System.nanoTime();
    /** The propagation streaming now, or null. */
    volatile Propagation running;
    boolean closed;

    Session(String id, VideoStore.Video video, ServedModel model, FrameSource frames,
        VideoTracker tracker) {
      this.id = id;
      this.video = video;
      this.model = model;
      this.frames = frames;
      this.tracker = tracker;
    }

    void touch() {
      lastUsed = System.nanoTime();
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final VideoStore videos;
  private final int max;
  private final long idleNanos;
  private final ScheduledExecutorService reaper;

  VideoSessions(VideoStore videos, ServerConfig config) {
    this.videos = videos;
    this.max = config.maxSessions();
    this.idleNanos = TimeUnit.SECONDS.toNanos(config.sessionIdleSeconds());
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sam4j-session-reaper");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, Math.min(30_000, config.sessionIdleSeconds() * 250));
    reaper.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
  }

  /** Opens a session over a stored video. */
  Session open(VideoStore.Video video, ServedModel model) {
    synchronized (this) {
      if (sessions.size() >= max) {
        throw new ApiException(429, "the server has " + max + " video sessions open, its limit;"
            + " close one (DELETE /v1/sessions/{id}) or retry after idle ones expire");
      }
      videos.opened(video);
    }
    FrameSource frames = null;
    try {
      frames = video.open();
      // the defaults: 2 cached frames, 64 MiB of memories in the heap, the rest spilled to disk
      VideoTracker tracker = model.model().newTracker(frames, TrackerOptions.defaults());
      Session s = new Session("s" + UUID.randomUUID().toString().replace("-", ""), video, model,
          frames, tracker);
      sessions.put(s.id, s);
      return s;
    } catch (RuntimeException e) {
      if (frames != null) {
        frames.close();
      }
      videos.closed(video);
      throw e;
    }
  }

  /** The session with this id. */
  Session get(String id) {
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest("'" + id + "' is not a session id (from POST /v1/sessions)");
    }
    Session s = sessions.get(id);
    if (s == null) {
      throw ApiException.notFound("no session with id " + id + " (never opened, closed, or"
          + " expired after " + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s without"
          + " requests: open a new one)");
    }
    s.touch();
    return s;
  }

  /**
   * Locks a session for one request: 409 while a propagation streams, 503 when another request
   * holds it too long.
   */
  static void lock(Session s) {
    if (s.running != null) {
      throw busy(s);
    }
    try {
      if (!s.lock.tryLock(30, TimeUnit.SECONDS)) {
        throw s.running != null ? busy(s) : new ApiException(503, "session " + s.id
            + " is busy with another request; try again shortly");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    }
    if (s.closed) {
      s.lock.unlock();
      throw ApiException.notFound("session " + s.id + " was closed");
    }
  }

  private static ApiException busy(Session s) {
    return new ApiException(409, "a propagation is running on session " + s.id + "; wait for"
        + " it to end or cancel it (DELETE /v1/sessions/" + s.id + "/propagation)");
  }

  /** Closes a session now (cancelling its propagation) and frees its memory. */
  void close(Session s) {
    Propagation p = s.running;
    if (p != null) {
      p.cancel();
    }
    s.lock.lock();
    try {
      release(s);
    } finally {
      s.lock.unlock();
    }
  }

  /** Frees a session; the caller holds its lock. */
  private void release(Session s) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    sessions.remove(s.id);
    try {
      s.tracker.close();
    } finally {
      s.frames.close();
      videos.closed(s.video);
    }
  }

  /** Closes the sessions idle too long (not one in use: its lock is held). */
  void expire() {
    long now = System.nanoTime();
    for (Session s : new ArrayList<>(sessions.values())) {
      if (now - s.lastUsed > idleNanos && s.lock.tryLock()) {
        try {
          if (now - s.lastUsed > idleNanos) {
            LOG.fine(() -> "session " + s.id + " expired");
            release(s);
          }
        } finally {
          s.lock.unlock();
        }
      }
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    for (Session s : new ArrayList<>(sessions.values())) {
      Propagation p = s.running;
      if (p != null) {
        p.cancel();
      }
      if (s.lock.tryLock()) {
        try {
          release(s);
        } finally {
          s.lock.unlock();
        }
      }
    }
  }
}
