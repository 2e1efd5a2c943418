package io.sam4j.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.sam4j.result.Mask;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's concept panel end to end in a real headless Chromium, on a server with only the SAM 3
 * fixture model: upload, a typed phrase, Find, then show/hide, delete, export, a negative example
 * box and the threshold slider; instances and overlay pixels compared with {@link Sam3Predictor}'s.
 * Screenshots go to target/browser/. Without Chromium the test skips, except in CI (CI=true),
 * where it fails.
 */
class ConceptBrowserTest {
  private static final Path SHOTS = Path.of("target", "browser");
  private static final String PHRASE = "a dog";

  @Test
  void theConceptPanelFindsEveryInstance() throws Exception {
    Path chrome = Chromium.binaryOrSkip();
    Path root = Fixtures.root();
    Path dog = TestServers.image("dog.jpg");
    RgbImage image = Images.read(dog);
    Files.createDirectories(SHOTS);
    try (Sam3Model sam3 = Sam3Model.load(root.resolve("sam3_fixture.pt"),
            root.resolve("sam3_fixture.spec.json"), RuntimeOptions.defaults());
         SamServer server = SamServer.start(List.of(), List.of(new ConceptModel("sam3", sam3)),
             ServerConfig.defaults().withAddress("127.0.0.1", 0));
         Chromium b = new Chromium(chrome, Path.of("target"))) {
      b.denyDownloads();
      b.send("Page.navigate", Chromium.params().put("url", server.uri().toString()));
      b.waitFor("document.readyState === 'complete' && window.sam4j && sam4j.models.length",
          20_000);
      assertTrue(b.eval("sam4j.conceptMode && document.body.classList.contains('concept')"
          + " && document.getElementById('new-object').offsetParent === null"
          + " && document.getElementById('find').offsetParent !== null").asBoolean(),
          "a SAM 3 model shows the concept panel instead of the click tools");
      // every request the page makes from now on: URL and JSON body
      b.eval("(() => { window.requests = []; const f = window.fetch; window.fetch = (u, o) => {"
          + " requests.push({ url: String(u), body: o && typeof o.body === 'string' ? o.body"
          + " : null }); return f(u, o); }; return true; })()");

      b.setInputFiles("#file", dog);
      b.waitFor("sam4j.imageId", 60_000);
      assertTrue(b.eval("requests[0].url").asText().endsWith("/v1/images?model=sam3"));
      Sam3Predictor lib = sam3.newPredictor();
      lib.setImage(image);

      // type the phrase, Find: the library's instances, each drawn and listed
      b.eval("document.getElementById('phrase').focus()");
      b.send("Input.insertText", Chromium.params().put("text", PHRASE));
      b.eval("document.getElementById('find').click()");
      b.waitFor("sam4j.concept.answers === 1", 30_000);
      ConceptResult want = lib.predict(ConceptPrompt.text(PHRASE));
      int n = want.instances().size();
      assertTrue(n > 1, "the fixture keeps several instances of '" + PHRASE + "': " + n);
      assertEquals(n, b.eval("sam4j.concept.instances.length").asInt());
      assertEquals(n, b.eval("document.querySelectorAll('#instances li').length").asInt());
      assertSameInstances(want, b.eval("sam4j.concept.answer"));
      Mask union = union(want, image);
      long[] painted = runs(b);
      long area = 0;
      for (int i = 1; i < painted.length; i += 2) {
        area += painted[i];
      }
      assertEquals(union.area(), area, "the overlay paints exactly the instances' pixels");
      b.screenshot(SHOTS.resolve("concept-01-found.png"));

      // export COCO JSON through the export route: every instance with its score
      b.eval("document.getElementById('export-coco').click()");
      b.waitFor("sam4j.lastExport && sam4j.lastExport.annotations", 20_000);
      JsonNode coco = b.eval("sam4j.lastExport");
      assertEquals(n, coco.get("annotations").size());
      for (int i = 0; i < n; i++) {
        JsonNode a = coco.get("annotations").get(i);
        assertEquals(Rle.encode(want.instances().get(i).mask()),
            CocoRle.fromJson(a.get("segmentation")), "exported instance " + i);
        assertEquals(want.instances().get(i).score(), a.get("score").floatValue(), 0f);
      }
      assertEquals(PHRASE, coco.at("/categories/0/name").asText());
      assertEquals(1, coco.get("categories").size());

      // hide all but the largest instance (its list box): the overlay is exactly its mask
      int k = 0;
      for (int i = 1; i < n; i++) {
        if (want.instances().get(i).mask().area() > want.instances().get(k).mask().area()) {
          k = i;
        }
      }
      b.eval("for (let i = 0; i < " + n + "; i++) if (i !== " + k + ")" // the list is redrawn
          + " document.querySelectorAll('#instances input[type=checkbox]')[i].click()");
      assertArrayEquals(runsOf(want.instances().get(k).mask()), runs(b),
          "the overlay shows exactly instance " + k);
      b.screenshot(SHOTS.resolve("concept-02-one.png"));
      // delete another one from the list
      b.eval("document.querySelectorAll('#instances li button')[" + (k == 0 ? 1 : 0)
          + "].click()");
      assertEquals(n - 1, b.eval("document.querySelectorAll('#instances li').length").asInt());

      // a negative example box (Shift-drag) goes into the request, in pixels
      b.drag(b.client("sam4j", 100, 50), b.client("sam4j", 400, 300), 8);
      assertFalse(b.eval("sam4j.concept.boxes[0].positive").asBoolean());
      b.eval("document.getElementById('find').click()");
      b.waitFor("sam4j.concept.answers === 2", 30_000);
      b.screenshot(SHOTS.resolve("concept-03-negative-box.png"));
      JsonNode sent = Http.JSON.readTree(b.eval("requests.filter((r) => r.url.includes("
          + "'/concepts')).pop().body").asText());
      assertEquals(PHRASE, sent.get("text").asText());
      assertEquals(0.5, sent.get("threshold").asDouble(), 0);
      assertFalse(sent.at("/box_labels/0").asBoolean());
      JsonNode box = sent.at("/boxes/0");
      double[] px = {100, 50, 400, 300};
      for (int j = 0; j < 4; j++) {
        assertEquals(px[j], box.get(j).asDouble(), 1.0, "box coordinate " + j + " in pixels");
      }
      double w = image.width();
      double h = image.height();
      double x0 = box.get(0).asDouble();
      double y0 = box.get(1).asDouble();
      double x1 = box.get(2).asDouble();
      double y1 = box.get(3).asDouble();
      ConceptResult withBox = lib.predict(ConceptPrompt.builder().text(PHRASE)
          .box((x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h, false)
          .build());
      assertSameInstances(withBox, b.eval("sam4j.concept.answer"));
      assertEquals(withBox.instances().size(), b.eval("sam4j.concept.instances.length").asInt());

      // the threshold slider finds again at its new value, the box kept
      b.eval("(() => { const t = document.getElementById('threshold'); t.value = '0.3';"
          + " t.dispatchEvent(new Event('change')); })()");
      b.waitFor("sam4j.concept.answers === 3", 30_000);
      assertEquals(0.3, b.eval("sam4j.concept.request.threshold").asDouble(), 0);
      ConceptResult lower = lib.predict(ConceptPrompt.builder().text(PHRASE)
          .box((x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h, false)
          .build(), 0.3);
      assertTrue(lower.instances().size() > withBox.instances().size(), "0.3 keeps more");
      assertSameInstances(lower, b.eval("sam4j.concept.answer"));

      // a SAM 3 model is never asked for point/box masks
      JsonNode urls = b.eval("requests.map((r) => r.url)");
      for (JsonNode u : urls) {
        assertFalse(u.asText().contains("/predict") || u.asText().contains("/everything"),
            "the page called " + u.asText());
      }
    }
  }

  private static void assertSameInstances(ConceptResult want, JsonNode answer) {
    JsonNode got = answer.get("instances");
    assertEquals(want.instances().size(), got.size());
    for (int i = 0; i < got.size(); i++) {
      ConceptResult.Instance w = want.instances().get(i);
      assertEquals(w.score(), got.get(i).get("score").floatValue(), 0f);
      assertEquals(Rle.encode(w.mask()), CocoRle.fromJson(got.get(i).get("segmentation")),
          "instance " + i + " mask");
    }
  }

  private static Mask union(ConceptResult r, RgbImage image) {
    byte[] bits = new byte[image.width() * image.height()];
    for (ConceptResult.Instance in : r.instances()) {
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          bits[y * image.width() + x] |= (byte) (in.mask().get(x, y) ? 1 : 0);
        }
      }
    }
    return Mask.fromBytes(bits, image.width(), image.height());
  }

  /** Row-major runs (start, length, start, ...) of the overlay canvas's pixels with alpha > 0. */
  private static long[] runs(Chromium b) throws Exception {
    JsonNode r = b.eval("(() => { const c = document.getElementById('overlay');"
        + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + " const n = d.length / 4, out = []; let s = -1;"
        + " for (let i = 0; i <= n; i++) { const on = i < n && d[4 * i + 3] > 0;"
        + " if (on && s < 0) s = i; if (!on && s >= 0) { out.push(s, i - s); s = -1; } }"
        + " return out; })()");
    long[] out = new long[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.get(i).asLong();
    }
    return out;
  }

  private static long[] runsOf(Mask m) {
    List<Long> out = new ArrayList<>();
    long start = -1;
    long n = (long) m.width() * m.height();
    for (long i = 0; i <= n; i++) {
      boolean on = i < n && m.get((int) (i % m.width()), (int) (i / m.width()));
      if (on && start < 0) {
        start = i;
      }
      if (!on && start >= 0) {
        out.add(start);
        out.add(i - start);
        start = -1;
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }
}
