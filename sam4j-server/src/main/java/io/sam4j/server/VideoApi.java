package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.Propagation;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The video routes under {@code /v1/videos} and {@code /v1/sessions} (docs/API.md): uploads,
 * frames, tracking sessions, prompts and propagation streamed as Server-Sent Events.
 */
final class VideoApi implements AutoCloseable {
  private final Map<String, ServedModel> models;
  private final ServerConfig config;
  private final VideoStore videos;
  private final VideoSessions sessions;
  /** Shared with encodings and everything: each propagated frame takes a slot. */
  private final Semaphore heavy;

  VideoApi(Map<String, ServedModel> models, ServerConfig config, Semaphore heavy) {
    this.models = models;
    this.config = config;
    this.heavy = heavy;
    this.videos = new VideoStore(config);
    this.sessions = new VideoSessions(videos, config);
  }

  /** Routes {@code seg} = ["v1", "videos"|"sessions", ...]. */
  void handle(HttpExchange ex, String[] seg) throws IOException {
    String m = ex.getRequestMethod();
    int n = seg.length;
    if (seg[1].equals("videos")) {
      if (n == 2 && is(ex, "POST")) {
        Http.send(ex, 200, video(upload(ex)));
      } else if (n == 3 && is(ex, "GET", "DELETE")) {
        VideoStore.Video v = videos.get(seg[2]);
        if (m.equals("DELETE")) {
          videos.remove(v);
          Http.send(ex, 200, Http.JSON.createObjectNode().put("deleted", v.id));
        } else {
          Http.send(ex, 200, video(v));
        }
      } else if (n == 4 && seg[3].equals("frames") && is(ex, "POST")) {
        VideoStore.Video v = videos.get(seg[2]);
        videos.append(v, jpegBody(ex));
        Http.send(ex, 200, video(v));
      } else if (n == 5 && seg[3].equals("frames") && is(ex, "GET")) {
        VideoStore.Video v = videos.get(seg[2]);
        Http.send(ex, 200, "image/jpeg", v.frameJpeg(index(seg[4], "frame")));
      } else {
        throw ApiException.notFound("no route " + m + " " + String.join("/", seg));
      }
      return;
    }
    if (n == 2 && is(ex, "POST")) {
      Http.send(ex, 200, open(Http.jsonBody(ex, config.maxUploadBytes())));
      return;
    }
    if (n < 3) {
      throw ApiException.notFound("no route " + m + " /v1/sessions");
    }
    VideoSessions.Session s = sessions.get(seg[2]);
    if (n == 3 && is(ex, "GET", "DELETE")) {
      if (m.equals("DELETE")) {
        sessions.close(s);
        Http.send(ex, 200, Http.JSON.createObjectNode().put("closed", s.id));
      } else {
        VideoSessions.lock(s);
        try {
          Http.send(ex, 200, session(s));
        } finally {
          s.lock.unlock();
        }
      }
    } else if (n == 4 && seg[3].equals("propagate") && is(ex, "POST")) {
      PropagationStream.run(ex, s, Http.jsonBody(ex, config.maxUploadBytes()), heavy);
    } else if (n == 4 && seg[3].equals("propagation") && is(ex, "DELETE")) {
      Propagation p = s.running;
      if (p != null) {
        p.cancel();
      }
      Http.send(ex, 200, Http.JSON.createObjectNode().put("cancelled", p != null));
    } else if (n == 4 && seg[3].equals("prompts") && is(ex, "DELETE")) {
      Http.send(ex, 200, clear(ex, s));
    } else if (n == 6 && seg[3].equals("objects") && seg[5].equals("prompts")
        && is(ex, "POST")) {
      int obj = index(seg[4], "object id");
      JsonNode body = Http.jsonBody(ex, config.maxUploadBytes());
      Http.send(ex, 200, prompt(s, obj, body));
    } else if (n == 6 && seg[3].equals("objects") && seg[5].equals("mask")
        && is(ex, "POST")) {
      Http.send(ex, 200, mask(ex, s, index(seg[4], "object id")));
    } else if (n == 5 && seg[3].equals("objects") && is(ex, "DELETE")) {
      int obj = index(seg[4], "object id");
      VideoSessions.lock(s);
      try {
        requireObject(s, obj);
        ObjectNode out = Http.JSON.createObjectNode().put("removed", obj);
        ArrayNode frames = out.putArray("frames");
        s.tracker.removeObject(obj).forEach(r -> frames.add(frame(r)));
        Http.send(ex, 200, out);
      } finally {
        s.lock.unlock();
      }
    } else {
      throw ApiException.notFound("no route " + m + " " + String.join("/", seg));
    }
  }

  private static boolean is(HttpExchange ex, String... methods) {
    for (String m : methods) {
      if (ex.getRequestMethod().equals(m)) {
        return true;
      }
    }
    ex.getResponseHeaders().set("Allow", String.join(", ", methods));
    throw new ApiException(405, ex.getRequestMethod() + " is not allowed here; use "
        + String.join(" or ", methods));
  }

  private static int index(String s, String what) {
    try {
      int v = Integer.parseInt(s);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.badRequest(what + " '" + s + "' is not a non-negative integer");
  }

  private VideoStore.Video upload(HttpExchange ex) throws IOException {
    String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
    if (type.startsWith("application/zip") || type.startsWith("application/x-zip")) {
      return videos.putZip(nonEmpty(Http.body(ex, config.maxUploadBytes())));
    }
    if (type.startsWith("image/jpeg")) {
      return videos.putFrame(jpegBody(ex));
    }
    if (type.startsWith("video/") || type.startsWith("application/mp4")) {
      return videos.putFile(nonEmpty(Http.body(ex, config.maxUploadBytes())));
    }
    throw new ApiException(415, "upload a video file (Content-Type: video/mp4), a zip of JPEG"
        + " frames (application/zip) or a first JPEG frame (image/jpeg), not '" + type + "'");
  }

  private byte[] jpegBody(HttpExchange ex) throws IOException {
    String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
    if (!type.startsWith("image/jpeg")) {
      throw new ApiException(415, "send a frame as the JPEG's bytes with Content-Type:"
          + " image/jpeg, not '" + type + "'");
    }
    return nonEmpty(Http.body(ex, config.maxUploadBytes()));
  }

  private static byte[] nonEmpty(byte[] b) {
    if (b.length == 0) {
      throw ApiException.badRequest("the upload is empty");
    }
    return b;
  }

  private static ObjectNode video(VideoStore.Video v) {
    return Http.JSON.createObjectNode().put("id", v.id).put("frames", v.frames)
        .put("width", v.width).put("height", v.height);
  }

  private ObjectNode open(JsonNode body) {
    if (!body.isObject() || !body.path("video").isTextual()) {
      throw ApiException.badRequest("open a session with {\"video\": \"<id from POST"
          + " /v1/videos>\", \"model\": \"<name, optional>\"}");
    }
    VideoStore.Video v = videos.get(body.get("video").asText());
    ServedModel model = videoModel(body.path("model").asText(null));
    return session(sessions.open(v, model));
  }

  /** The named model, or the first that tracks video; 400 when it has no video memory. */
  private ServedModel videoModel(String name) {
    if (name == null) {
      for (ServedModel m : models.values()) {
        if (m.model().sam2Spec().isPresent()) {
          return m;
        }
      }
      throw ApiException.badRequest("no model of this server tracks video; serve a SAM 2-family"
          + " model (SAM 2, SAM 2.1, EfficientTAM, EdgeTAM)");
    }
    ServedModel m = models.get(name);
    if (m == null) {
      throw ApiException.notFound("no model named '" + name + "'; this server has "
          + String.join(", ", models.keySet()));
    }
    return m; // a SAM 1 model is refused by newTracker with its reason
  }

  private static ObjectNode session(VideoSessions.Session s) {
    ObjectNode o = Http.JSON.createObjectNode().put("id", s.id).put("video", s.video.id)
        .put("model", s.model.name()).put("frames", s.tracker.frameCount())
        .put("width", s.frames.width()).put("height", s.frames.height());
    ArrayNode ids = o.putArray("objects");
    s.tracker.objectIds().forEach(ids::add);
    return o;
  }

  private static void requireObject(VideoSessions.Session s, int obj) {
    if (!s.tracker.objectIds().contains(obj)) {
      throw ApiException.notFound("object " + obj + " is not in session " + s.id + "; its objects"
          + " are " + s.tracker.objectIds());
    }
  }

  static int frameOf(VideoSessions.Session s, JsonNode n) {
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
      throw ApiException.badRequest("\"frame\" must be a frame index (an integer)");
    }
    int f = n.asInt();
    if (f < 0 || f >= s.tracker.frameCount()) {
      throw ApiException.badRequest("frame " + f + " does not exist: the video has "
          + s.tracker.frameCount() + " frames (0.." + (s.tracker.frameCount() - 1) + ")");
    }
    return f;
  }

  private ObjectNode prompt(VideoSessions.Session s, int obj, JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.badRequest("a prompt is a JSON object {\"frame\", \"points\","
          + " \"labels\", \"box\"}");
    }
    int frame = frameOf(s, body.get("frame"));
    VideoPrompt p = VideoPrompt.parse(body, s.frames.width(), s.frames.height());
    VideoSessions.lock(s);
    try {
      FrameResult r = s.tracker.addPrompt(frame, obj, p.points(), p.box(), p.clearOld(), true);
      return frame(r);
    } finally {
      s.lock.unlock();
    }
  }

  /** {@code add_new_mask}: a PNG of the frame's size, its non-black pixels the object. */
  private ObjectNode mask(HttpExchange ex, VideoSessions.Session s, int obj) throws IOException {
    String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
    if (!type.startsWith("image/png")) {
      throw new ApiException(415, "send the mask as a PNG's bytes with Content-Type: image/png,"
          + " not '" + type + "'");
    }
    String f = Http.query(ex).get("frame");
    if (f == null) {
      throw ApiException.badRequest("say which frame the mask is for: ?frame=N");
    }
    int frame = frameOf(s, Http.JSON.getNodeFactory().numberNode(index(f, "frame")));
    boolean[] mask = MaskPng.read(nonEmpty(Http.body(ex, config.maxUploadBytes())),
        s.frames.width(), s.frames.height());
    VideoSessions.lock(s);
    try {
      return frame(s.tracker.addMask(frame, obj, mask, s.frames.width(), s.frames.height()));
    } finally {
      s.lock.unlock();
    }
  }

  private ObjectNode clear(HttpExchange ex, VideoSessions.Session s) {
    Map<String, String> q = Http.query(ex);
    VideoSessions.lock(s);
    try {
      if (q.get("frame") == null) {
        if (q.get("object") != null) {
          throw ApiException.badRequest("?object needs ?frame; to drop an object everywhere,"
              + " DELETE /v1/sessions/{id}/objects/{obj}");
        }
        s.tracker.clearAllPrompts();
        return Http.JSON.createObjectNode().put("cleared", "all");
      }
      int frame = index(q.get("frame"), "frame");
      if (frame >= s.tracker.frameCount()) {
        throw ApiException.badRequest("frame " + frame + " does not exist: the video has "
            + s.tracker.frameCount() + " frames");
      }
      List<Integer> objs = q.get("object") == null ? s.tracker.objectIds()
          : List.of(index(q.get("object"), "object id"));
      objs.forEach(o -> requireObject(s, o));
      FrameResult last = null;
      for (int o : objs) {
        last = s.tracker.clearPrompts(frame, o);
      }
      return last == null ? Http.JSON.createObjectNode().put("frame", frame)
          .set("objects", Http.JSON.createArrayNode()) : frame(last);
    } finally {
      s.lock.unlock();
    }
  }

  /** One frame's objects: {@code {"frame", "objects": [{"id", "score", "area", "rle"}]}}. */
  static ObjectNode frame(FrameResult r) {
    ObjectNode o = Http.JSON.createObjectNode().put("frame", r.frameIdx());
    ArrayNode arr = o.putArray("objects");
    for (ObjectResult or : r.objects()) {
      ObjectNode x = arr.addObject().put("id", or.objId());
      if (or.hasOutput()) {
        Rle rle = Rle.encode(or.mask());
        x.put("score", or.objectScoreLogits()).put("area", rle.area());
        x.set("rle", CocoRle.toJson(rle, true));
      } else {
        x.putNull("score").put("area", 0).putNull("rle");
      }
    }
    return o;
  }

  @Override
  public void close() {
    sessions.close();
    videos.close();
  }
}
