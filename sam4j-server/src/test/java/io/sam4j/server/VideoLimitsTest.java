package io.sam4j.server;

import static io.sam4j.server.VideoApiTest.call;
import static io.sam4j.server.VideoApiTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The video side's limits: sessions are bounded (429 with Retry-After past the limit) and expire
 * when idle; an upload over the size limit is refused (413) before anything is decoded.
 */
class VideoLimitsTest {
  @Test
  void anOversizedMp4IsRefusedBeforeItIsDecoded() throws Exception {
    byte[] mp4 = Files.readAllBytes(java.nio.file.Path.of("..", "sam4j-core", "src", "test",
        "resources", "video", "bedroom-x264.mp4"));
    try (SamServer s = TestServers.startVideo(ServerConfig.defaults().withLimits(100_000, 2))) {
      HttpResponse<String> declared = TestServers.send(TestServers.request(s, "/v1/videos")
          .header("Content-Type", "video/mp4").POST(BodyPublishers.ofByteArray(mp4)));
      assertEquals(413, declared.statusCode(), declared.body());
      try (java.net.Socket sock = new java.net.Socket("127.0.0.1", s.port())) {
        sock.setSoTimeout(30_000);
        java.io.OutputStream out = sock.getOutputStream();
        int part = 120_000; // over the limit, short of the file: the body never ends
        out.write(("POST /v1/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(part) + "\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(mp4, 0, part);
        out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        String status = new String(sock.getInputStream().readNBytes(12),
            java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 413", status);
      }
      assertEquals(200, call(s, "GET", "/v1/health", null).statusCode());
      byte[] head = java.util.Arrays.copyOf(mp4, 90_000); // under the limit: read, then refused
      HttpResponse<String> cut = TestServers.send(TestServers.request(s, "/v1/videos")
          .header("Content-Type", "video/mp4").POST(BodyPublishers.ofByteArray(head)));
      assertEquals(400, cut.statusCode(), cut.body()); // by FFmpeg, as a truncated file
    }
  }

  @Test
  void sessionsAreBoundedAndExpire() throws Exception {
    try (SamServer s = TestServers.startVideo(ServerConfig.defaults().withVideoLimits(4, 1, 1))) {
      String v = ok(TestServers.send(TestServers.request(s, "/v1/videos")
          .header("Content-Type", "image/jpeg").POST(BodyPublishers.ofFile(
              TestServers.clip().resolve("00000.jpg"))))).get("id").asText();
      String body = "{\"video\":\"" + v + "\"}";
      String first = ok(call(s, "POST", "/v1/sessions", body)).get("id").asText();
      HttpResponse<String> full = call(s, "POST", "/v1/sessions", body);
      assertEquals(429, full.statusCode(), full.body());
      assertTrue(full.headers().firstValue("Retry-After").isPresent());
      assertEquals(409, call(s, "DELETE", "/v1/videos/" + v, null).statusCode());
      Thread.sleep(2500); // idle 1 s: the reaper closes the tracker
      assertEquals(404, call(s, "GET", "/v1/sessions/" + first, null).statusCode());
      ok(call(s, "POST", "/v1/sessions", body));
    }
  }
}
