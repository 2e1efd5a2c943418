package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.VideoTracker;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The video API against a real server on a loopback port with the SAM 2.1 fixture model and clip:
 * prompts and streamed propagation compared mask for mask with the library's {@link
 * VideoTracker}; refused requests; the session limits.
 */
class VideoApiTest {
  private static SamServer server;
  private static String video;

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.startVideo(ServerConfig.defaults());
    HttpResponse<String> r = TestServers.send(TestServers.request(server, "/v1/videos")
        .header("Content-Type", "application/zip")
        .POST(BodyPublishers.ofByteArray(TestServers.clipZip())));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode v = Http.JSON.readTree(r.body());
    assertEquals(8, v.get("frames").asInt());
    assertEquals(960, v.get("width").asInt());
    assertEquals(540, v.get("height").asInt());
    video = v.get("id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> call(SamServer s, String method, String path, String json)
      throws Exception {
    return TestServers.send(TestServers.request(s, path).header("Content-Type", "application/json")
        .method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json)));
  }

  static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    return Http.JSON.readTree(r.body());
  }

  /** The events of a propagation stream, as {name, data} pairs. */
  static List<Object[]> propagate(SamServer s, String session, String json) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r = TestServers.CLIENT.send(
        TestServers.request(s, "/v1/sessions/" + session + "/propagate")
            .POST(BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<Object[]> events = new ArrayList<>();
    String[] name = {null};
    r.body().forEach(line -> {
      if (line.startsWith("event: ")) {
        name[0] = line.substring(7);
      } else if (line.startsWith("data: ")) {
        try {
          events.add(new Object[] {name[0], Http.JSON.readTree(line.substring(6))});
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    return events;
  }

  /** The server's frame answer equals the library's result: masks and object scores. */
  static void assertSameFrame(FrameResult lib, JsonNode got) {
    assertEquals(lib.frameIdx(), got.get("frame").asInt());
    assertEquals(lib.objects().size(), got.get("objects").size());
    for (int i = 0; i < lib.objects().size(); i++) {
      ObjectResult o = lib.objects().get(i);
      JsonNode g = got.get("objects").get(i);
      assertEquals(o.objId(), g.get("id").asInt());
      assertEquals(o.objectScoreLogits(), g.get("score").floatValue(), 0f,
          "frame " + lib.frameIdx() + " object " + o.objId());
      assertEquals(Rle.encode(o.mask()), CocoRle.fromJson(g.get("rle")),
          "frame " + lib.frameIdx() + " object " + o.objId());
    }
  }

  @Test
  void promptsAndPropagationMatchTheLibrary() throws Exception {
    String session = ok(call(server, "POST", "/v1/sessions", "{\"video\":\"" + video + "\"}"))
        .get("id").asText();
    try (FolderFrameSource frames = FolderFrameSource.open(TestServers.clip());
         VideoTracker lib = TestServers.sam21().newTracker(frames)) {
      JsonNode a = ok(call(server, "POST", "/v1/sessions/" + session + "/objects/1/prompts",
          "{\"frame\": 0, \"points\": [[210, 350]], \"labels\": [1]}"));
      assertSameFrame(lib.addPoints(0, 1, List.of(new Point(210, 350, Label.FOREGROUND))), a);
      JsonNode b = ok(call(server, "POST", "/v1/sessions/" + session + "/objects/2/prompts",
          "{\"frame\": 0, \"box\": [820, 250, 960, 540]}"));
      FrameResult lb = lib.addBox(0, 2, new Box(820, 250, 960, 540));
      assertSameFrame(lb, b);
      assertTrue(lb.object(1).mask().area() > 0, "an empty mask proves little");

      long t0 = System.nanoTime();
      List<Object[]> events = propagate(server, session, "{}");
      double serverSec = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      List<FrameResult> expected = new ArrayList<>();
      lib.propagate(null, false, null, expected::add);
      double libSec = (System.nanoTime() - t1) / 1e9;
      assertEquals("start", events.get(0)[0]);
      assertEquals(8, ((JsonNode) events.get(0)[1]).get("total").asInt());
      assertEquals(8, expected.size());
      for (int i = 0; i < 8; i++) {
        assertEquals("frame", events.get(i + 1)[0]);
        JsonNode f = (JsonNode) events.get(i + 1)[1];
        assertEquals(i + 1, f.get("done").asInt());
        assertSameFrame(expected.get(i), f);
        assertTrue(expected.get(i).object(2).mask().area() > 0 || i == 0, "frame " + i);
      }
      JsonNode done = (JsonNode) events.get(9)[1];
      assertEquals("done", events.get(9)[0]);
      assertEquals(8, done.get("frames").asInt());
      assertEquals(false, done.get("cancelled").asBoolean());
      String line = String.format(Locale.ROOT, "propagation, 2 objects, 8 frames 960x540, SAM 2.1"
          + " fixture: server %.2f fps (whole request %.2f s), library %.2f fps", done.get("fps")
          .asDouble(), serverSec, 8 / libSec);
      Files.writeString(Files.createDirectories(java.nio.file.Path.of("target"))
          .resolve("video-fps.txt"), line + "\n");
      System.out.println(line);

      // a correction on frame 5, then reverse from it over 3 frames
      JsonNode c = ok(call(server, "POST", "/v1/sessions/" + session + "/objects/1/prompts",
          "{\"frame\": 5, \"points\": [[130, 450]], \"labels\": [0], \"clear_old_points\": false}"));
      assertSameFrame(lib.addPrompt(5, 1, List.of(new Point(130, 450, Label.BACKGROUND)), null,
          false, true), c);
      events = propagate(server, session, "{\"start_frame\": 5, \"reverse\": true,"
          + " \"max_frames\": 2}");
      expected.clear();
      lib.propagate(5, true, 2, expected::add);
      assertEquals(3, expected.size());
      for (int i = 0; i < 3; i++) {
        assertSameFrame(expected.get(i), (JsonNode) events.get(i + 1)[1]);
      }

      // clear object 2's prompts on frame 0, then remove object 1
      assertSameFrame(lib.clearPrompts(0, 2), ok(call(server, "DELETE", "/v1/sessions/" + session
          + "/prompts?frame=0&object=2", null)));
      JsonNode removed = ok(call(server, "DELETE", "/v1/sessions/" + session + "/objects/1",
          null));
      List<FrameResult> libRemoved = lib.removeObject(1);
      assertEquals(libRemoved.size(), removed.get("frames").size());
      for (int i = 0; i < libRemoved.size(); i++) {
        assertSameFrame(libRemoved.get(i), removed.get("frames").get(i));
      }
      assertEquals("[2]", ok(call(server, "GET", "/v1/sessions/" + session, null))
          .get("objects").toString());
    }
    ok(call(server, "DELETE", "/v1/sessions/" + session, null));
    assertEquals(404, call(server, "GET", "/v1/sessions/" + session, null).statusCode());
  }

  private static HttpResponse<String> postMask(String session, int obj, String query,
      String type, byte[] body) throws Exception {
    return TestServers.send(TestServers.request(server, "/v1/sessions/" + session + "/objects/"
        + obj + "/mask" + query).header("Content-Type", type)
        .POST(BodyPublishers.ofByteArray(body)));
  }

  @Test
  void aMaskPngPromptsAsTheLibrarysAddMask() throws Exception {
    String session = ok(call(server, "POST", "/v1/sessions", "{\"video\":\"" + video + "\"}"))
        .get("id").asText();
    int w = 960;
    int h = 540;
    byte[] px = new byte[w * h];
    boolean[] mask = new boolean[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double u = (x - 300) / 150.0;
        double v = (y - 350) / 120.0;
        mask[y * w + x] = u * u + v * v <= 1 || (x >= 700 && x < 760 && y >= 100 && y < 400);
        px[y * w + x] = (byte) (mask[y * w + x] ? 1 : 0);
      }
    }
    byte[] png = MaskJson.maskPng(io.sam4j.result.Mask.fromBytes(px, w, h));
    try (FolderFrameSource frames = FolderFrameSource.open(TestServers.clip());
         VideoTracker lib = TestServers.sam21().newTracker(frames)) {
      FrameResult want = lib.addMask(2, 3, mask, w, h);
      assertSameFrame(want, ok(postMask(session, 3, "?frame=2", "image/png", png)));
      assertTrue(want.object(3).mask().area() > 1000, "an empty mask proves little");
      List<Object[]> events = propagate(server, session, "{\"max_frames\": 1}");
      List<FrameResult> expected = new ArrayList<>();
      lib.propagate(null, false, 1, expected::add);
      assertEquals(2, expected.size());
      for (int i = 0; i < 2; i++) {
        assertSameFrame(expected.get(i), (JsonNode) events.get(i + 1)[1]);
      }
    }
    byte[] small = MaskJson.maskPng(io.sam4j.result.Mask.fromBytes(new byte[100 * 50], 100, 50));
    byte[] jpeg = Files.readAllBytes(TestServers.clip().resolve("00000.jpg"));
    int[][] cases = {
        {400, postMask(session, 3, "?frame=2", "image/png", small).statusCode()},
        {400, postMask(session, 3, "?frame=2", "image/png", jpeg).statusCode()},
        {400, postMask(session, 3, "?frame=2", "image/png", "not a png".getBytes()).statusCode()},
        {400, postMask(session, 3, "?frame=2", "image/png", new byte[0]).statusCode()},
        {400, postMask(session, 3, "", "image/png", png).statusCode()},
        {400, postMask(session, 3, "?frame=99", "image/png", png).statusCode()},
        {415, postMask(session, 3, "?frame=2", "application/json", png).statusCode()},
    };
    for (int i = 0; i < cases.length; i++) {
      assertEquals(cases[i][0], cases[i][1], "bad mask case " + i);
    }
    HttpResponse<String> r = postMask(session, 3, "?frame=2", "image/png", small);
    assertTrue(r.body().contains("960x540"), r.body());
    assertEquals(200, call(server, "GET", "/v1/health", null).statusCode());
    ok(call(server, "DELETE", "/v1/sessions/" + session, null));
  }

  @Test
  void framesAreServedAndAppended() throws Exception {
    HttpResponse<byte[]> r = TestServers.CLIENT.send(TestServers.request(server, "/v1/videos/"
        + video + "/frames/3").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(Files.readAllBytes(TestServers.clip().resolve("00003.jpg")), r.body());
    assertEquals(404, TestServers.send(TestServers.request(server, "/v1/videos/" + video
        + "/frames/8").GET()).statusCode());
    // JPEGs one by one
    JsonNode v = ok(TestServers.send(TestServers.request(server, "/v1/videos")
        .header("Content-Type", "image/jpeg").POST(BodyPublishers.ofFile(
            TestServers.clip().resolve("00000.jpg")))));
    JsonNode v2 = ok(TestServers.send(TestServers.request(server, "/v1/videos/"
        + v.get("id").asText() + "/frames").header("Content-Type", "image/jpeg")
        .POST(BodyPublishers.ofFile(TestServers.clip().resolve("00001.jpg")))));
    assertEquals(2, v2.get("frames").asInt());
    ok(call(server, "DELETE", "/v1/videos/" + v.get("id").asText(), null));
    assertEquals(404, call(server, "GET", "/v1/videos/" + v.get("id").asText(), null)
        .statusCode());
  }

  @Test
  void anMp4TracksAsTheLibraryReadsIt() throws Exception {
    java.nio.file.Path mp4 = java.nio.file.Path.of("..", "sam4j-core", "src", "test", "resources",
        "video", "bedroom-x264.mp4");
    JsonNode v = ok(TestServers.send(TestServers.request(server, "/v1/videos")
        .header("Content-Type", "video/mp4").POST(BodyPublishers.ofFile(mp4))));
    HttpResponse<byte[]> f = TestServers.CLIENT.send(TestServers.request(server, "/v1/videos/"
        + v.get("id").asText() + "/frames/2").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, f.statusCode());
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(
        new java.io.ByteArrayInputStream(f.body()));
    assertEquals(960, img.getWidth());
    assertEquals(540, img.getHeight());
    assertEquals(409, TestServers.send(TestServers.request(server, "/v1/videos/"
        + v.get("id").asText() + "/frames").header("Content-Type", "image/jpeg")
        .POST(BodyPublishers.ofFile(TestServers.clip().resolve("00000.jpg")))).statusCode());
    String session = ok(call(server, "POST", "/v1/sessions", "{\"video\":\"" + v.get("id")
        .asText() + "\"}")).get("id").asText();
    try (io.sam4j.video.VideoFileFrameSource frames = io.sam4j.video.VideoFileFrameSource.open(mp4);
         VideoTracker lib = TestServers.sam21().newTracker(frames)) {
      assertEquals(frames.frameCount(), v.get("frames").asInt());
      assertSameFrame(lib.addPoints(0, 1, List.of(new Point(210, 350, Label.FOREGROUND))),
          ok(call(server, "POST", "/v1/sessions/" + session + "/objects/1/prompts",
              "{\"frame\": 0, \"points\": [[210, 350]], \"labels\": [1]}")));
      List<Object[]> events = propagate(server, session, "{\"max_frames\": 1}");
      List<FrameResult> expected = new ArrayList<>();
      lib.propagate(null, false, 1, expected::add);
      assertEquals(4, events.size(), "start, 2 frames, done");
      for (int i = 0; i < 2; i++) {
        assertSameFrame(expected.get(i), (JsonNode) events.get(i + 1)[1]);
      }
    }
    ok(call(server, "DELETE", "/v1/sessions/" + session, null));
    HttpResponse<String> bad = TestServers.send(TestServers.request(server, "/v1/videos")
        .header("Content-Type", "video/mp4").POST(BodyPublishers.ofString("not a video")));
    assertEquals(400, bad.statusCode(), bad.body());
  }

  /**
   * An MP4 over the upload limit is refused from its size alone: its Content-Length, or, sent in
   * chunks without one, as soon as the bytes read pass the limit, before the body has even ended
   * (so before FFmpeg could see a frame); a body under the limit reaches FFmpeg (a truncated file:
   * 400).
   */
  private static int uploadZip(byte[] zip) throws Exception {
    HttpResponse<String> r = TestServers.send(TestServers.request(server, "/v1/videos")
        .header("Content-Type", "application/zip").POST(BodyPublishers.ofByteArray(zip)));
    assertTrue(r.body().contains("\"error\""), r.body());
    return r.statusCode();
  }

  @Test
  void badRequestsGetClear4xxAndTheServerStaysHealthy() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestServers.clip().resolve("00000.jpg"));
    assertEquals(400, uploadZip(TestServers.zip("../../etc/passwd.jpg", jpeg)));
    assertEquals(400, uploadZip(TestServers.zip("/abs/00000.jpg", jpeg)));
    assertEquals(400, uploadZip(TestServers.zip("frame-one.jpg", jpeg)));
    assertEquals(400, uploadZip("not a zip".getBytes()));
    // a zip bomb: 200 MB of 0
    assertEquals(413, uploadZip(TestServers.zip("00000.jpg", new byte[200 << 20])));
    String session = ok(call(server, "POST", "/v1/sessions", "{\"video\":\"" + video + "\"}"))
        .get("id").asText();
    String base = "/v1/sessions/" + session;
    int[][] cases = {
        {404, call(server, "GET", "/v1/sessions/s0123456789abcdef0123456789abcdef", null)
            .statusCode()},
        {400, call(server, "GET", "/v1/sessions/..%2F..%2Fetc", null).statusCode()},
        {404, call(server, "POST", "/v1/sessions", "{\"video\":\"v0123456789abcdef0123456789abcdef\"}")
            .statusCode()},
        {400, call(server, "POST", base + "/objects/1/prompts", "{\"frame\": 0, \"points\":")
            .statusCode()},
        {400, call(server, "POST", base + "/objects/1/prompts",
            "{\"frame\": 99, \"points\": [[1, 1]], \"labels\": [1]}").statusCode()},
        {400, call(server, "POST", base + "/objects/1/prompts",
            "{\"frame\": 0, \"points\": [[2000, 1]], \"labels\": [1]}").statusCode()},
        {400, call(server, "POST", base + "/objects/1/prompts",
            "{\"frame\": 0, \"points\": [[10, 10]], \"labels\": [7]}").statusCode()},
        {404, call(server, "DELETE", base + "/objects/42", null).statusCode()},
        {400, call(server, "POST", base + "/propagate", "{}").statusCode()}, // no prompts yet
        {405, call(server, "PUT", base, null).statusCode()},
    };
    for (int[] c : cases) {
      assertEquals(c[0], c[1]);
    }
    assertEquals(200, call(server, "GET", "/v1/health", null).statusCode());
    ok(call(server, "DELETE", base, null));
  }

  @Test
  void onePropagationAtATimeAndCancel() throws Exception {
    String session = ok(call(server, "POST", "/v1/sessions", "{\"video\":\"" + video + "\"}"))
        .get("id").asText();
    String base = "/v1/sessions/" + session;
    ok(call(server, "POST", base + "/objects/1/prompts",
        "{\"frame\": 0, \"points\": [[210, 350]], \"labels\": [1]}"));
    HttpResponse<java.io.InputStream> r = TestServers.CLIENT.send(TestServers.request(server,
        base + "/propagate").POST(BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    // the headers came, so the propagation holds the session: others are told 409
    assertEquals(409, call(server, "POST", base + "/propagate", "{}").statusCode());
    assertEquals(409, call(server, "POST", base + "/objects/1/prompts",
        "{\"frame\": 1, \"points\": [[210, 350]], \"labels\": [1]}").statusCode());
    JsonNode cancel = ok(call(server, "DELETE", base + "/propagation", null));
    String stream = new String(r.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(stream.contains("event: done"), stream);
    if (cancel.get("cancelled").asBoolean()) {
      assertTrue(stream.contains("\"cancelled\":true") || stream.contains("\"frames\":8"), stream);
    }
    // the session is free again
    ok(call(server, "POST", base + "/objects/1/prompts",
        "{\"frame\": 1, \"points\": [[210, 350]], \"labels\": [1]}"));

    // a client that goes away mid-stream stops the propagation and frees the session
    try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.port())) {
      sock.getOutputStream().write(("POST " + base + "/propagate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Length: 2\r\n\r\n{}").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
          sock.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      for (String l; (l = in.readLine()) != null && !l.startsWith("event: start"); ) {
        assertTrue(!l.startsWith("HTTP/1.1") || l.contains("200"), l);
      }
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    int status;
    do {
      Thread.sleep(200);
      status = call(server, "POST", base + "/objects/1/prompts",
          "{\"frame\": 1, \"points\": [[210, 350]], \"labels\": [1]}").statusCode();
    } while (status == 409 && System.nanoTime() < deadline);
    assertEquals(200, status, "the session stayed busy after its client went away");
    assertEquals(200, call(server, "GET", "/v1/health", null).statusCode());
    ok(call(server, "DELETE", base, null));
  }
}
