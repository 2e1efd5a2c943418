package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.sam4j.image.RgbImage;
import io.sam4j.mask.Rle;
import io.sam4j.modeling.sam3.ConceptJson;
import io.sam4j.modeling.sam3.ConceptPrompt;
import io.sam4j.modeling.sam3.ConceptResult;
import io.sam4j.modeling.sam3.Sam3Predictor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /v1/images/{id}/concepts}: SAM 3 concept prompts over an uploaded image. The body
 * {@code {"text": "yellow bus", "boxes": [[x0, y0, x1, y1], ...], "box_labels": [true, ...],
 * "points": [[x, y], ...], "point_labels": [true, ...], "threshold": 0.5}} (pixels of the photo;
 * one of text, boxes and points; labels default to true = positive) answers every kept instance in
 * the form of {@code sam4j segment --text}'s JSON. Each image is encoded once per model and kept,
 * encoded, in an LRU cache bounded by count and bytes.
 */
final class ConceptApi {
  private final Map<String, ConceptModel> models = new LinkedHashMap<>();
  private final ImageStore store;
  private final ServerConfig config;
  private final Semaphore heavy;
  private final LruCache<String, Sam3Predictor> encoded;

  ConceptApi(List<ConceptModel> served, ImageStore store, ServerConfig config, Semaphore heavy) {
    for (ConceptModel m : served) {
      models.put(m.name(), m);
    }
    this.store = store;
    this.config = config;
    this.heavy = heavy;
    // a SAM 3 image state is large (the FPN levels, ~100 MB at 1008 px): few of them
    this.encoded = new LruCache<>(Math.max(1, Math.min(4, config.cacheEmbeddings())),
        config.cacheBytes(), Sam3Predictor::imageStateBytes);
  }

  /** The models, in the order given. */
  Iterable<ConceptModel> models() {
    return models.values();
  }

  /** Whether {@code name} is a concept model of this server. */
  boolean serves(String name) {
    return models.containsKey(name);
  }

  /** The model a request names ({@code ?model=}), else the first; 404 when there is none. */
  ConceptModel model(String name) {
    if (models.isEmpty()) {
      throw ApiException.notFound("this server has no SAM 3 model for concept prompts: start it"
          + " with --model sam3.pt");
    }
    if (name == null) {
      return models.values().iterator().next();
    }
    ConceptModel m = models.get(name);
    if (m == null) {
      throw ApiException.notFound("no SAM 3 model named '" + name + "'; this server's concept"
          + " models: " + String.join(", ", models.keySet()));
    }
    return m;
  }

  /** The image encoded by {@code m}, encoded now unless cached (waits for an encoder slot). */
  Sam3Predictor encode(ConceptModel m, String id) {
    RgbImage img = store.image(id);
    return encoded.get(m.name() + "/" + id, k -> {
      Http.acquire(heavy, "the server is busy encoding; try again shortly");
      try {
        Sam3Predictor p = m.model().newPredictor();
        p.setImage(img);
        return p;
      } finally {
        heavy.release();
      }
    });
  }

  /** Answers {@code POST /v1/images/{id}/concepts}. */
  ObjectNode concepts(HttpExchange ex, String id) throws IOException {
    ConceptModel m = model(Http.query(ex).get("model"));
    RgbImage img = store.image(id);
    JsonNode body = Http.jsonBody(ex, config.maxUploadBytes());
    ConceptPrompt prompt = parse(body, img.width(), img.height());
    double threshold = body.path("threshold").asDouble(0.5);
    if (body.has("threshold") && (!body.get("threshold").isNumber() || threshold < 0
        || threshold > 1)) {
      throw ApiException.badRequest("\"threshold\" must be a number in [0, 1]");
    }
    Sam3Predictor p = encode(m, id);
    long t0 = System.nanoTime();
    ConceptResult r;
    synchronized (p) {
      r = p.predict(prompt, threshold);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    ObjectNode out = Http.JSON.createObjectNode();
    out.put("image", id).put("model", m.name()).put("label", prompt.textUsed());
    out.putArray("size").add(img.height()).add(img.width());
    ArrayNode instances = out.putArray("instances");
    for (ConceptResult.Instance in : r.instances()) {
      ConceptJson.add(instances, instances.size(), prompt.textUsed(), 0, in.query(), in.score(),
          in.box(), Rle.encode(in.mask()));
    }
    return out.put("decoder_ms", ms);
  }

  /** The concept prompt of a request body, pixel coordinates normalised to the photo. */
  static ConceptPrompt parse(JsonNode o, int width, int height) {
    if (o == null || !o.isObject()) {
      throw ApiException.badRequest("the concepts body must be a JSON object");
    }
    for (var it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!List.of("text", "boxes", "box_labels", "points", "point_labels", "threshold")
          .contains(f)) {
        throw ApiException.badRequest("unknown member \"" + f + "\" (known: text, boxes,"
            + " box_labels, points, point_labels, threshold)");
      }
    }
    ConceptPrompt.Builder b = ConceptPrompt.builder();
    JsonNode text = o.get("text");
    if (text != null && !text.isNull()) {
      if (!text.isTextual() || text.asText().isBlank()) {
        throw ApiException.badRequest("\"text\" must be a non-empty string");
      }
      b.text(text.asText());
    }
    List<double[]> boxes = coords(o, "boxes", 4, width, height);
    List<Boolean> boxLabels = labels(o, "box_labels", boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      double[] v = boxes.get(i);
      if (!(v[2] > v[0] && v[3] > v[1])) {
        throw ApiException.badRequest("box " + i + " needs x0 < x1 and y0 < y1");
      }
      b.box((v[0] + v[2]) / 2 / width, (v[1] + v[3]) / 2 / height, (v[2] - v[0]) / width,
          (v[3] - v[1]) / height, boxLabels.get(i));
    }
    List<double[]> points = coords(o, "points", 2, width, height);
    List<Boolean> pointLabels = labels(o, "point_labels", points.size());
    for (int i = 0; i < points.size(); i++) {
      b.point(points.get(i)[0] / width, points.get(i)[1] / height, pointLabels.get(i));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("give \"text\", \"boxes\" or \"points\": " + e.getMessage());
    }
  }

  private static List<double[]> coords(JsonNode o, String key, int n, int width, int height) {
    JsonNode a = o.get(key);
    List<double[]> out = new java.util.ArrayList<>();
    if (a == null || a.isNull()) {
      return out;
    }
    String form = n == 4 ? "[x0, y0, x1, y1]" : "[x, y]";
    if (!a.isArray()) {
      throw ApiException.badRequest("\"" + key + "\" must be an array of " + form);
    }
    for (int i = 0; i < a.size(); i++) {
      JsonNode e = a.get(i);
      if (!e.isArray() || e.size() != n) {
        throw ApiException.badRequest("\"" + key + "\" " + i + " must be " + form);
      }
      double[] v = new double[n];
      for (int j = 0; j < n; j++) {
        if (!e.get(j).isNumber()) {
          throw ApiException.badRequest("\"" + key + "\" " + i + " must be " + form + " numbers");
        }
        v[j] = e.get(j).asDouble();
        double limit = j % 2 == 0 ? width : height;
        if (!(v[j] >= 0 && v[j] <= limit)) {
          throw ApiException.badRequest("\"" + key + "\" " + i + " lies outside the " + width
              + "x" + height + " image");
        }
      }
      out.add(v);
    }
    return out;
  }

  private static List<Boolean> labels(JsonNode o, String key, int n) {
    JsonNode a = o.get(key);
    List<Boolean> out = new java.util.ArrayList<>();
    if (a == null || a.isNull()) {
      for (int i = 0; i < n; i++) {
        out.add(true);
      }
      return out;
    }
    if (!a.isArray() || a.size() != n) {
      throw ApiException.badRequest("\"" + key + "\" must be an array of " + n + " booleans");
    }
    for (JsonNode e : a) {
      if (!e.isBoolean()) {
        throw ApiException.badRequest("\"" + key + "\" must hold true (positive) or false");
      }
      out.add(e.asBoolean());
    }
    return out;
  }
}
