package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.modeling.sam3.ConceptPrompt;
import io.sam4j.modeling.sam3.ConceptResult;
import io.sam4j.modeling.sam3.Sam3Model;
import io.sam4j.modeling.sam3.Sam3Predictor;
import io.sam4j.runtime.RuntimeOptions;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SAM 3 concept prompts through the server (the fixture model beside MobileSAM): the instances of
 * a phrase and of a phrase with a negative example box equal the library's, bad requests get 4xx
 * and health stays 200.
 */
class ConceptApiTest {
  private static Sam3Model sam3;
  private static SamServer server;
  private static String id;
  private static Sam3Predictor lib;
  private static RgbImage dog;

  @BeforeAll
  static void start() throws Exception {
    Path root = Fixtures.root();
    sam3 = Sam3Model.load(root.resolve("sam3_fixture.pt"), root.resolve("sam3_fixture.spec.json"),
        RuntimeOptions.defaults());
    server = SamServer.start(List.of(ServedModel.of("mobilesam", TestServers.mobileSam())),
        List.of(new ConceptModel("sam3", sam3)),
        ServerConfig.defaults().withAddress("127.0.0.1", 0));
    HttpResponse<String> up = TestServers.send(TestServers.request(server,
        "/v1/images?model=sam3").header("Content-Type", "image/jpeg")
        .POST(BodyPublishers.ofByteArray(Files.readAllBytes(TestServers.image("dog.jpg")))));
    assertEquals(200, up.statusCode(), up.body());
    id = Http.JSON.readTree(up.body()).get("id").asText();
    dog = Images.read(TestServers.image("dog.jpg"));
    lib = sam3.newPredictor();
    lib.setImage(dog);
  }

  @AfterAll
  static void stop() {
    server.close();
    sam3.close();
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return TestServers.send(TestServers.request(server, path)
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)));
  }

  private static void assertSame(ConceptResult want, JsonNode got) {
    JsonNode instances = got.get("instances");
    assertEquals(want.instances().size(), instances.size(), got.toString());
    for (int i = 0; i < instances.size(); i++) {
      ConceptResult.Instance w = want.instances().get(i);
      JsonNode g = instances.get(i);
      assertEquals(w.query(), g.get("query").asInt());
      assertEquals(w.score(), g.get("score").floatValue(), 0f);
      assertEquals(w.box()[2], g.at("/box_xyxy/2").floatValue(), 0f);
      Rle rle = CocoRle.decode(g.at("/segmentation/counts").asText(), dog.height(), dog.width());
      assertEquals(Rle.encode(w.mask()), rle, "instance " + i + " mask");
    }
  }

  @Test
  void phraseAndExampleBoxEqualTheLibrary() throws Exception {
    HttpResponse<String> r = post("/v1/images/" + id + "/concepts", "{\"text\": \"a dog\"}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = Http.JSON.readTree(r.body());
    assertEquals("a dog", j.get("label").asText());
    ConceptResult want = lib.predict(ConceptPrompt.text("a dog"));
    assertTrue(want.instances().size() > 1, "the fixture keeps several instances");
    assertSame(want, j);

    // a phrase with a negative example box in pixels, a lower threshold
    r = post("/v1/images/" + id + "/concepts?model=sam3", "{\"text\": \"grass\", \"boxes\":"
        + " [[100, 50, 400, 300]], \"box_labels\": [false], \"threshold\": 0.3}");
    assertEquals(200, r.statusCode(), r.body());
    int w = dog.width();
    int h = dog.height();
    ConceptPrompt p = ConceptPrompt.builder().text("grass")
        .box(250.0 / w, 175.0 / h, 300.0 / w, 250.0 / h, false).build();
    assertSame(lib.predict(p, 0.3), Http.JSON.readTree(r.body()));

    JsonNode models = Http.JSON.readTree(TestServers.send(TestServers.request(server,
        "/v1/models").GET()).body());
    assertEquals("sam3", models.at("/models/1/family").asText());
    assertTrue(models.at("/models/1/concepts").asBoolean());
  }

  @Test
  void badConceptRequestsAre4xx() throws Exception {
    String path = "/v1/images/" + id + "/concepts";
    for (String body : List.of("{}", "[1]", "{\"text\": 3}", "{\"text\": \"\"}",
        "{\"boxes\": [[0, 0, 5000, 10]]}", "{\"boxes\": [[10, 10, 5, 5]]}",
        "{\"text\": \"dog\", \"threshold\": 2}", "{\"text\": \"dog\", \"colour\": \"red\"}",
        "{\"boxes\": [[1, 1, 5, 5]], \"box_labels\": [1]}", "not json")) {
      HttpResponse<String> r = post(path, body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
      assertTrue(Http.JSON.readTree(r.body()).has("error"), r.body());
    }
    assertEquals(404, post(path + "?model=nope", "{\"text\": \"dog\"}").statusCode());
    assertEquals(404, post("/v1/images/" + "0".repeat(64) + "/concepts", "{\"text\": \"dog\"}")
        .statusCode());
    assertEquals(200, TestServers.send(TestServers.request(server, "/v1/health").GET())
        .statusCode());
  }
}
