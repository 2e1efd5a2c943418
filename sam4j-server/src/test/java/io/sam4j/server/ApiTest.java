package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import io.sam4j.mask.CocoRle;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API against a real server on a loopback port, compared with the library's predictor. */
class ApiTest {
  private static SamServer server;
  private static String id;
  /** The library's predictor on the same picture, to compare with. */
  private static SamPredictor lib;

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.start(ServerConfig.defaults());
    JsonNode up = upload(server, Files.readAllBytes(TestServers.image("dog.jpg")));
    id = up.get("id").asText();
    assertEquals(800, up.get("width").asInt());
    assertEquals(534, up.get("height").asInt());
    lib = TestServers.mobileSam().newPredictor();
    lib.setImage(Images.read(TestServers.image("dog.jpg")));
  }

  @AfterAll
  static void stop() {
    server.close();
    lib.close();
  }

  private static JsonNode upload(SamServer s, byte[] bytes) throws Exception {
    HttpResponse<String> r = TestServers.send(TestServers.request(s, "/v1/images")
        .header("Content-Type", "image/jpeg").POST(BodyPublishers.ofByteArray(bytes)));
    assertEquals(200, r.statusCode(), r.body());
    return Http.JSON.readTree(r.body());
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return TestServers.send(TestServers.request(server, path)
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)));
  }

  private static int health() throws Exception {
    HttpResponse<String> r = TestServers.send(TestServers.request(server, "/v1/health").GET());
    assertEquals("{\"status\":\"ok\"}", r.body());
    return r.statusCode();
  }

  @Test
  void predictsWhatTheLibraryPredicts() throws Exception {
    String[] requests = {
        "{\"points\": [[500, 375]], \"labels\": [1], \"multimask\": true}",
        "{\"points\": [[300, 200], [520, 300]], \"labels\": [1, 0], \"box\": [100, 80, 600, 450]}"};
    Prompt[] prompts = {
        Prompt.builder().point(500, 375, Label.FOREGROUND).multimask(true).build(),
        Prompt.builder().point(300, 200, Label.FOREGROUND)
            .point(520, 300, Label.BACKGROUND).box(100, 80, 600, 450).build()};
    for (int c = 0; c < requests.length; c++) {
      HttpResponse<String> r = post("/v1/images/" + id + "/predict", requests[c]);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode masks = Http.JSON.readTree(r.body()).get("masks");
      Prediction want = lib.predict(prompts[c]);
      assertEquals(want.size(), masks.size());
      for (int i = 0; i < want.size(); i++) {
        JsonNode m = masks.get(i);
        assertArrayEquals(new int[] {534, 800}, new int[] {m.get("rle").get("size").get(0).asInt(),
            m.get("rle").get("size").get(1).asInt()});
        Mask got = CocoRle.fromJson(m.get("rle")).toMask();
        assertEquals(want.masks().get(i), got, "case " + c + " mask " + i);
        assertTrue(want.masks().get(i).area() > 0, "an empty mask proves little");
        assertEquals(want.iouPredictions()[i], m.get("iou").asDouble(), 1e-4);
      }
    }
  }

  @Test
  void severalObjectsAndAPreviousMaskInOneCall() throws Exception {
    HttpResponse<String> first = post("/v1/images/" + id + "/predict",
        "{\"points\": [[500, 375]], \"labels\": [1], \"multimask\": true, \"logits\": true}");
    JsonNode f = Http.JSON.readTree(first.body());
    String logits = f.get("masks").get(f.get("best").asInt()).get("logits").asText();
    HttpResponse<String> r = post("/v1/images/" + id + "/predict", "{\"objects\": ["
        + "{\"points\": [[500, 375]], \"labels\": [1], \"mask_input\": \"" + logits + "\"},"
        + "{\"box\": [100, 80, 600, 450]}]}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode objs = Http.JSON.readTree(r.body()).get("objects");
    assertEquals(2, objs.size());
    Prediction a = lib.predict(Prompt.builder().point(500, 375, Label.FOREGROUND)
        .multimask(true).build());
    Prediction b = lib.predict(Prompt.builder().point(500, 375, Label.FOREGROUND)
        .maskInput(a.lowResLogits(a.bestIndex())).build());
    assertEquals(b.masks().get(0),
        CocoRle.fromJson(objs.get(0).get("masks").get(0).get("rle")).toMask());
    assertEquals(b.iouPredictions()[0], objs.get(0).get("masks").get(0).get("iou").asDouble(),
        1e-4);
  }

  @Test
  void badRequestsGet4xxAndTheServerStaysHealthy() throws Exception {
    assertEquals(400, TestServers.send(TestServers.request(server, "/v1/images")
        .header("Content-Type", "image/png").POST(BodyPublishers.ofString("not a picture")))
        .statusCode());
    assertEquals(200, health());
    assertEquals(400, post("/v1/images/" + id + "/predict", "{\"points\": [[1, 2]").statusCode());
    assertEquals(200, health());
    assertEquals(404, post("/v1/images/" + "ab".repeat(32) + "/predict",
        "{\"points\": [[1, 2]], \"labels\": [1]}").statusCode());
    assertEquals(200, health());
    HttpResponse<String> label7 = post("/v1/images/" + id + "/predict",
        "{\"points\": [[1, 2]], \"labels\": [7]}");
    assertEquals(400, label7.statusCode());
    assertTrue(Http.JSON.readTree(label7.body()).get("error").asText().contains("label 7"));
    assertEquals(200, health());
    assertEquals(400, TestServers.rawStatus(server, "/v1/images/..%2F..%2Fetc%2Fpasswd"));
    assertEquals(200, health());
    assertEquals(404, TestServers.rawStatus(server, "/../../etc/passwd"));
    assertEquals(404, TestServers.rawStatus(server, "/%2e%2e/%2e%2e/etc/passwd"));
    assertEquals(200, health());
    assertEquals(400, post("/v1/images/" + id + "/predict",
        "{\"points\": [[900, 2]], \"labels\": [1]}").statusCode());
    assertEquals(200, TestServers.rawStatus(server, "/"));
  }

  @Test
  void aHugePngHeaderAndAnUploadThatStopsHalfwayLeaveTheServerHealthy() throws Exception {
    // a PNG whose header claims 100 megapixels: refused before any pixel is decoded
    HttpResponse<String> huge = TestServers.send(TestServers.request(server, "/v1/images")
        .header("Content-Type", "image/png").POST(BodyPublishers.ofByteArray(
            pngHeader(10_000, 10_000))));
    assertEquals(400, huge.statusCode(), huge.body());
    assertTrue(huge.body().contains("pixels"), huge.body());
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write(("POST /v1/images HTTP/1.1\r\nHost: x\r\nContent-Type: image/png"
          + "\r\nContent-Length: 100000\r\n\r\n\u0089PNG").getBytes(
              StandardCharsets.ISO_8859_1));
    }
    assertEquals(200, health());
  }

  /** A PNG signature and IHDR for an 8-bit gray image, then an empty IDAT and IEND. */
  private static byte[] pngHeader(int width, int height) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[0]);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws Exception {
    CRC32 crc = new CRC32();
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void concurrentPredictsShareTheModelAndAgree() throws Exception {
    String body = "{\"points\": [[420, 260]], \"labels\": [1], \"multimask\": true}";
    String expected = Http.JSON.readTree(post("/v1/images/" + id + "/predict", body).body())
        .get("masks").toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        answers.add(pool.submit(() -> {
          HttpResponse<String> r = post("/v1/images/" + id + "/predict", body);
          assertEquals(200, r.statusCode(), r.body());
          return Http.JSON.readTree(r.body()).get("masks").toString();
        }));
      }
      for (Future<String> a : answers) {
        assertEquals(expected, a.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSameImageIsEncodedOnce() throws Exception {
    long before = server.embeddingCacheStats()[2];
    JsonNode again = upload(server, Files.readAllBytes(TestServers.image("dog.jpg")));
    assertEquals(id, again.get("id").asText());
    assertEquals(before, server.embeddingCacheStats()[2]);
  }

  @Test
  void theTokenIsCheckedOnEveryApiCall() throws Exception {
    try (SamServer s = TestServers.start(ServerConfig.defaults().withToken("s3cret"))) {
      assertEquals(401, TestServers.send(TestServers.request(s, "/v1/health").GET()).statusCode());
      assertEquals(401, TestServers.send(TestServers.request(s, "/v1/models")
          .header("Authorization", "Bearer s3crex").GET()).statusCode());
      assertEquals(401, TestServers.send(TestServers.request(s, "/v1/images")
          .POST(BodyPublishers.ofString("x"))).statusCode());
      assertEquals(200, TestServers.send(TestServers.request(s, "/v1/models")
          .header("Authorization", "Bearer s3cret").GET()).statusCode());
      assertEquals(200, TestServers.rawStatus(s, "/")); // the page itself holds no data
    }
    SamException e = assertThrows(SamException.class,
        () -> ServerConfig.of("0.0.0.0", 8080, null, 1 << 20, 4));
    assertTrue(e.getMessage().contains("without --token"), e.getMessage());
    assertEquals("0.0.0.0", ServerConfig.of("0.0.0.0", 8080, "T", 1 << 20, 4).host());
  }

  @Test
  void uploadsOverTheLimitGet413() throws Exception {
    try (SamServer s = TestServers.start(ServerConfig.defaults().withLimits(1 << 20, 2))) {
      HttpResponse<String> r = TestServers.send(TestServers.request(s, "/v1/images")
          .header("Content-Type", "image/png").POST(BodyPublishers.ofByteArray(new byte[3 << 20])));
      assertEquals(413, r.statusCode(), r.body());
      assertTrue(Http.JSON.readTree(r.body()).get("error").asText().contains("max-upload-mb"));
      assertEquals(200, TestServers.send(TestServers.request(s, "/v1/health").GET()).statusCode());
    }
  }

  @Test
  void exportsCocoJsonAndALabelPng() throws Exception {
    JsonNode pred = Http.JSON.readTree(post("/v1/images/" + id + "/predict",
        "{\"box\": [100, 80, 600, 450]}").body());
    String rle = pred.get("masks").get(0).get("rle").toString();
    String objects = "{\"objects\": [{\"name\": \"dog\", \"rle\": " + rle + "}], \"format\": ";
    JsonNode coco = Http.JSON.readTree(post("/v1/images/" + id + "/export", objects + "\"coco\"}")
        .body());
    JsonNode ann = coco.get("annotations").get(0);
    assertEquals(pred.get("masks").get(0).get("rle"), ann.get("segmentation"));
    assertEquals("dog", coco.get("categories").get(0).get("name").asText());
    assertEquals(pred.get("masks").get(0).get("area").asLong(), ann.get("area").asLong());
    JsonNode png = Http.JSON.readTree(post("/v1/images/" + id + "/export", objects + "\"png\"}")
        .body());
    byte[] bytes = Base64.getDecoder().decode(png.get("png").asText());
    BufferedImage img = ImageIO.read(
        new ByteArrayInputStream(bytes));
    Mask m = CocoRle.fromJson(pred.get("masks").get(0).get("rle")).toMask();
    long labelled = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int v = img.getRaster().getSample(x, y, 0);
        assertEquals(m.get(x, y) ? 1 : 0, v);
        labelled += v;
      }
    }
    assertEquals(m.area(), labelled);
  }
}
