package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.mask.CocoRle;
import io.sam4j.result.Mask;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How predict answers travel: the binary form ({@code "format": "bits"}) holds exactly the JSON
 * form's masks, and answers on a kept-alive connection are not held back by Nagle's algorithm.
 */
class PredictAnswerTest {
  private static SamServer server;
  private static String id;

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.start(ServerConfig.defaults());
    HttpResponse<String> up = TestServers.send(TestServers.request(server, "/v1/images")
        .header("Content-Type", "image/jpeg")
        .POST(BodyPublishers.ofFile(TestServers.image("dog.jpg"))));
    assertEquals(200, up.statusCode(), up.body());
    id = Http.JSON.readTree(up.body()).get("id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<byte[]> predict(String json) throws Exception {
    return TestServers.CLIENT.send(TestServers.request(server, "/v1/images/" + id + "/predict")
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The masks of an answer, flattened over its objects. */
  private static List<JsonNode> masks(JsonNode answer) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode o : answer.has("objects") ? answer.get("objects") : List.of(answer)) {
      o.get("masks").forEach(out::add);
    }
    return out;
  }

  @Test
  void theBinaryAnswerHoldsTheJsonAnswersMasks() throws Exception {
    String[] prompts = {
        "\"points\": [[500, 375]], \"labels\": [1], \"multimask\": true",
        "\"objects\": [{\"points\": [[300, 200], [520, 300]], \"labels\": [1, 0]},"
            + " {\"box\": [100, 80, 600, 450]}]"};
    for (String p : prompts) {
      HttpResponse<byte[]> j = predict("{" + p + "}");
      HttpResponse<byte[]> b = predict("{" + p + ", \"format\": \"bits\"}");
      assertEquals(200, j.statusCode());
      assertEquals(200, b.statusCode(), new String(b.body(), StandardCharsets.UTF_8));
      assertEquals(MaskBits.TYPE, b.headers().firstValue("Content-Type").orElse(""));
      assertTrue(b.headers().firstValue("Server-Timing").orElse("").matches(
          "request;dur=[\\d.]+, decoder;dur=[\\d.]+, answer;dur=[\\d.]+"),
          b.headers().firstValue("Server-Timing").toString());
      List<JsonNode> want = masks(Http.JSON.readTree(j.body()));
      ByteBuffer buf = ByteBuffer.wrap(b.body());
      int n = buf.getInt();
      JsonNode head = Http.JSON.readTree(Arrays.copyOfRange(b.body(), 4, 4 + n));
      List<JsonNode> got = masks(head);
      assertEquals("[534,800]", head.get("size").toString());
      int per = (534 * 800 + 7) / 8;
      assertEquals(per, head.get("bytes_per_mask").asInt());
      assertEquals(want.size(), got.size());
      assertEquals(4 + n + per * want.size(), b.body().length);
      for (int k = 0; k < want.size(); k++) {
        Mask expected = CocoRle.fromJson(want.get(k).get("rle")).toMask();
        assertTrue(expected.area() > 0, "an empty mask proves little");
        assertEquals(expected, unpack(b.body(), 4 + n + k * per, 800, 534), p + " mask " + k);
        assertFalse(got.get(k).has("rle"));
        for (String member : new String[] {"iou", "area", "bbox"}) {
          assertEquals(want.get(k).get(member), got.get(k).get(member), member);
        }
      }
    }
    HttpResponse<byte[]> bad = predict("{\"points\": [[5, 5]], \"labels\": [1],"
        + " \"format\": \"x\"}");
    assertEquals(400, bad.statusCode());
    assertTrue(new String(bad.body(), StandardCharsets.UTF_8).contains("\\\"bits\\\""));
  }

  /** Row-major bits, most significant first: pixel i is bit 7 - i % 8 of byte i / 8. */
  private static Mask unpack(byte[] b, int offset, int width, int height) {
    byte[] px = new byte[width * height];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) ((b[offset + i / 8] >> (7 - i % 8)) & 1);
    }
    return Mask.fromBytes(px, width, height);
  }

  /**
   * Fifteen GETs of the page's script on one connection: with Nagle's algorithm on, each answer's
   * body (written after its headers) would wait for the client's delayed ACK, 40 ms or more each.
   */
  @Test
  void answersOnAKeptAliveConnectionAreNotHeldBack() throws Exception {
    double[] ms = new double[15];
    try (Socket sock = new Socket("127.0.0.1", server.port())) {
      sock.setSoTimeout(10_000);
      OutputStream out = sock.getOutputStream();
      InputStream in = sock.getInputStream();
      for (int i = 0; i < ms.length; i++) {
        long t0 = System.nanoTime();
        out.write("GET /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int length = -1;
        for (String line; !(line = headerLine(in)).isEmpty(); ) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        assertTrue(length > 2000, "app.js has " + length + " bytes");
        assertEquals(length, in.readNBytes(length).length);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "kept-alive GET /app.js: median %.2f ms of %s%n",
        sorted[ms.length / 2], Arrays.toString(ms));
    assertTrue(sorted[ms.length / 2] < 30, "median " + sorted[ms.length / 2] + " ms of "
        + Arrays.toString(ms) + ": is TCP_NODELAY off (sun.net.httpserver.nodelay)?");
  }

  private static String headerLine(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new java.io.EOFException("the connection closed mid-answer");
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.US_ASCII).trim();
  }
}
