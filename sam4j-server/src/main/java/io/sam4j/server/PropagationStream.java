package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.sam4j.video.FrameResult;
import io.sam4j.video.Propagation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/sessions/{id}/propagate}: tracks the session's objects through the video and
 * streams each frame's masks as a Server-Sent Event ({@code start}, {@code frame}..., an optional
 * {@code error}, {@code done}); the session stays locked until the tracking ends, and a client that
 * goes away stops it.
 */
final class PropagationStream {
  private PropagationStream() {}

  /** Runs a propagation, each frame taking one of the {@code heavy} slots. */
  static void run(HttpExchange ex, VideoSessions.Session s, JsonNode body, Semaphore heavy)
      throws IOException {
    if (!body.isObject()) {
      throw ApiException.badRequest("propagate takes {\"start_frame\", \"reverse\","
          + " \"max_frames\"}, each optional");
    }
    Integer start = body.hasNonNull("start_frame")
        ? VideoApi.frameOf(s, body.get("start_frame")) : null;
    JsonNode mf = body.get("max_frames");
    if (mf != null && !mf.isNull() && (!mf.isIntegralNumber() || mf.asInt() < 0)) {
      throw ApiException.badRequest("\"max_frames\" must be a non-negative integer");
    }
    Integer max = mf == null || mf.isNull() ? null : mf.asInt();
    boolean reverse = body.path("reverse").asBoolean(false);
    VideoSessions.lock(s);
    Propagation p;
    try {
      p = s.tracker.propagate(start, reverse, max); // refusals (no prompts) answer 400 here
    } catch (RuntimeException e) {
      s.lock.unlock();
      throw e;
    }
    s.running = p;
    long t0 = System.nanoTime();
    int done = 0;
    int total = p.frames().size();
    OutputStream out;
    String error = null;
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      out = ex.getResponseBody();
      ObjectNode first = Http.JSON.createObjectNode().put("total", total);
      ArrayNode order = first.putArray("frames");
      p.frames().forEach(order::add);
      event(out, "start", first);
      try {
        while (p.hasNext()) {
          acquire(heavy);
          FrameResult r;
          try {
            r = p.next();
          } finally {
            heavy.release();
          }
          done++;
          s.touch();
          event(out, "frame", VideoApi.frame(r).put("done", done).put("total", total));
        }
      } catch (io.sam4j.SamException | ApiException e) {
        error = e.getMessage();
      }
    } finally {
      p.cancel(); // a client that went away stops the tracking
      s.running = null;
      s.touch();
      s.lock.unlock();
    }
    // the session is free before the stream ends, so a client may go on at once
    if (error != null) {
      event(out, "error", Http.JSON.createObjectNode().put("error", error));
    }
    double sec = (System.nanoTime() - t0) / 1e9;
    event(out, "done", Http.JSON.createObjectNode().put("frames", done)
        .put("cancelled", done < total).put("elapsed_ms", sec * 1e3)
        .put("fps", done / Math.max(sec, 1e-9)));
    out.close();
  }

  private static void event(OutputStream out, String name, JsonNode data) throws IOException {
    out.write(("event: " + name + "\ndata: " + Http.JSON.writeValueAsString(data) + "\n\n")
        .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void acquire(Semaphore heavy) {
    Http.acquire(heavy, "the server is busy; propagation stopped, start it again");
  }

}
