package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.ImageEmbedding;
import io.sam4j.SamPredictor;
import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.RecordsJson;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.Mask;
import io.sam4j.result.MaskRecord;
import io.sam4j.result.Prediction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/** The {@code /v1} routes; see docs/API.md. Every success is 200 with a JSON body. */
final class Api {
  private final Map<String, ServedModel> models = new LinkedHashMap<>();
  private final ImageStore store;
  private final ServerConfig config;
  /** Encodings and everything runs at once: more would only share the same cores. */
  private final Semaphore heavy;
  private final Map<String, long[]> progress = new ConcurrentHashMap<>();
  private final PredictorPool predictors;
  private final VideoApi video;
  private final ConceptApi concepts;

  Api(List<ServedModel> served, ServerConfig config) {
    this(served, List.of(), config);
  }

  Api(List<ServedModel> served, List<ConceptModel> conceptModels, ServerConfig config) {
    for (ServedModel m : served) {
      if (models.putIfAbsent(m.name(), m) != null) {
        throw new IllegalArgumentException("two models are named " + m.name());
      }
    }
    for (ConceptModel m : conceptModels) {
      if (models.containsKey(m.name())) {
        throw new IllegalArgumentException("two models are named " + m.name());
      }
    }
    if (models.isEmpty() && conceptModels.isEmpty()) {
      throw new IllegalArgumentException("the server needs at least one model");
    }
    this.config = config;
    this.store = new ImageStore(config);
    this.predictors = new PredictorPool(Math.max(4, config.threads()));
    this.heavy = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);
    this.video = new VideoApi(models, config, heavy);
    this.concepts = new ConceptApi(conceptModels, store, config, heavy);
  }

  void handle(HttpExchange ex, String rawPath) throws IOException {
    String[] seg = rawPath.substring(1).split("/", -1); // "v1", ...
    String method = ex.getRequestMethod();
    if (seg.length == 2 && seg[1].equals("health")) {
      allow(ex, "GET");
      Http.send(ex, 200, Http.JSON.createObjectNode().put("status", "ok"));
    } else if (seg.length == 2 && seg[1].equals("models")) {
      allow(ex, "GET");
      Http.send(ex, 200, models());
    } else if (seg[1].equals("videos") || seg[1].equals("sessions")) {
      video.handle(ex, seg);
    } else if (seg.length == 2 && seg[1].equals("images")) {
      allow(ex, "POST");
      Http.send(ex, 200, upload(ex));
    } else if (seg.length == 3 && seg[1].equals("images")) {
      allow(ex, "GET");
      RgbImage img = store.image(seg[2]);
      Http.send(ex, 200, Http.JSON.createObjectNode().put("id", seg[2])
          .put("width", img.width()).put("height", img.height()));
    } else if (seg.length == 4 && seg[1].equals("images")) {
      String id = seg[2];
      switch (seg[3]) {
        case "predict" -> {
          allow(ex, "POST");
          predict(ex, id);
        }
        case "concepts" -> {
          allow(ex, "POST");
          Http.send(ex, 200, concepts.concepts(ex, id));
        }
        case "everything" -> {
          allow(ex, "POST");
          Http.send(ex, 200, everything(ex, id));
        }
        case "progress" -> {
          allow(ex, "GET");
          store.image(id);
          long[] p = progress.get(id);
          ObjectNode o = Http.JSON.createObjectNode();
          o.put("running", p != null).put("done", p == null ? 0 : p[0])
              .put("total", p == null ? 0 : p[1]);
          Http.send(ex, 200, o);
        }
        case "export" -> {
          allow(ex, "POST");
          Http.send(ex, 200, export(ex, id));
        }
        default -> throw ApiException.notFound("no route " + method + " " + rawPath);
      }
    } else {
      throw ApiException.notFound("no route " + method + " " + rawPath + " (see docs/API.md)");
    }
  }

  private static void allow(HttpExchange ex, String method) {
    if (!ex.getRequestMethod().equals(method)) {
      ex.getResponseHeaders().set("Allow", method);
      throw new ApiException(405, ex.getRequestMethod() + " is not allowed here; use " + method);
    }
  }

  private ObjectNode models() {
    ObjectNode root = Http.JSON.createObjectNode();
    ArrayNode arr = root.putArray("models");
    java.util.Set<String> families = new java.util.TreeSet<>();
    for (ServedModel m : models.values()) {
      arr.addObject().put("name", m.name()).put("family", m.family())
          .put("architecture", m.model().name())
          .put("image_size", m.model().imageSize())
          .put("parameters", m.model().parameterCount())
          .put("video", m.model().sam2Spec().isPresent());
      families.add(m.family());
    }
    for (ConceptModel m : concepts.models()) {
      arr.addObject().put("name", m.name()).put("family", "sam3")
          .put("architecture", "sam3").put("image_size", m.model().spec().imageSize())
          .put("video", false).put("concepts", true);
      families.add("sam3");
    }
    ArrayNode f = root.putArray("families");
    families.forEach(f::add);
    return root;
  }

  private ServedModel model(HttpExchange ex) {
    String name = Http.query(ex).get("model");
    if (models.isEmpty()) {
      throw ApiException.notFound("this server has only SAM 3 models: ask them with POST"
          + " /v1/images/{id}/concepts (see docs/API.md)");
    }
    if (name == null) {
      return models.values().iterator().next();
    }
    ServedModel m = models.get(name);
    if (m == null) {
      throw ApiException.notFound("no model named '" + name + "'; this server has "
          + String.join(", ", models.keySet()));
    }
    return m;
  }

  private ObjectNode upload(HttpExchange ex) throws IOException {
    String named = Http.query(ex).get("model");
    boolean concept = models.isEmpty() || (named != null && concepts.serves(named));
    ServedModel m = concept ? null : model(ex);
    ConceptModel cm = concept ? concepts.model(named) : null;
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null && type.startsWith("multipart/")) {
      throw new ApiException(415, "send the image file's bytes as the body (curl -H 'Content-Type:"
          + " image/jpeg' --data-binary @photo.jpg), not a multipart form");
    }
    byte[] bytes = Http.body(ex, config.maxUploadBytes());
    if (bytes.length == 0) {
      throw ApiException.badRequest("the upload is empty: send the image bytes as the body");
    }
    String id = store.put(bytes);
    RgbImage img = store.image(id);
    long t0 = System.nanoTime();
    if (!"false".equals(Http.query(ex).get("encode"))) {
      if (concept) {
        concepts.encode(cm, id);
      } else {
        encode(m, id);
      }
    }
    return Http.JSON.createObjectNode().put("id", id).put("width", img.width())
        .put("height", img.height()).put("model", concept ? cm.name() : m.name())
        .put("encode_ms", (System.nanoTime() - t0) / 1e6);
  }

  /** The embedding, encoded when not cached (only encoding waits for an encoder slot). */
  private ImageEmbedding encode(ServedModel m, String id) {
    ImageEmbedding cached = store.cachedEmbedding(m, id);
    if (cached != null) {
      return cached;
    }
    acquire();
    try {
      return store.embedding(m, id);
    } finally {
      heavy.release();
    }
  }

  private void acquire() {
    Http.acquire(heavy, "the server is busy encoding; try again shortly");
  }

  /**
   * Answers a predict as JSON or, with {@code "format": "bits"}, in {@link MaskBits}' binary form;
   * the {@code Server-Timing} header gives the decoder's and the answer's encoding milliseconds.
   */
  private void predict(HttpExchange ex, String id) throws IOException {
    long start = System.nanoTime();
    ServedModel m = model(ex);
    RgbImage img = store.image(id);
    JsonNode body = Http.jsonBody(ex, config.maxUploadBytes());
    if (!body.isObject()) {
      throw ApiException.badRequest("the predict body must be a JSON object");
    }
    boolean png = body.path("png").asBoolean(false);
    boolean logits = body.path("logits").asBoolean(false);
    String format = body.path("format").asText("json");
    if (!format.equals("json") && !format.equals("bits")) {
      throw ApiException.badRequest("predict \"format\" must be \"json\" (COCO RLE) or \"bits\""
          + " (bit-packed binary), got '" + format + "'");
    }
    boolean bits = format.equals("bits");
    JsonNode objs = body.get("objects");
    List<Prompt> prompts = new ArrayList<>();
    int side = m.model().lowResSize();
    if (objs != null) {
      if (!objs.isArray() || objs.isEmpty()) {
        throw ApiException.badRequest("\"objects\" must be a non-empty array of prompt objects");
      }
      for (int i = 0; i < objs.size(); i++) {
        prompts.add(PromptJson.parse(objs.get(i), "object " + i, img.width(), img.height(),
            side));
      }
    } else {
      ObjectNode single = body.deepCopy();
      single.remove(List.of("png", "logits", "format"));
      prompts.add(PromptJson.parse(single, "the prompt", img.width(), img.height(), side));
    }
    String key = m.name() + "/" + id;
    SamPredictor p = predictors.borrow(m, key, () -> encode(m, id));
    long t0 = System.nanoTime();
    List<Prediction> preds;
    try {
      preds = p.predictBatch(prompts);
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    predictors.release(key, p);
    long t1 = System.nanoTime();
    double ms = (t1 - t0) / 1e6;
    ObjectNode out;
    if (objs == null) {
      out = MaskJson.prediction(preds.get(0), png, logits, !bits);
    } else {
      out = Http.JSON.createObjectNode();
      ArrayNode arr = out.putArray("objects");
      for (Prediction pr : preds) {
        arr.add(MaskJson.prediction(pr, png, logits, !bits));
      }
    }
    out.put("decoder_ms", ms);
    byte[] answer;
    if (bits) {
      List<Mask> masks = new ArrayList<>();
      preds.forEach(pr -> masks.addAll(pr.masks()));
      List<ObjectNode> meta = new ArrayList<>();
      Iterable<JsonNode> answers = objs == null ? List.of(out) : out.get("objects");
      answers.forEach(o -> o.get("masks").forEach(mk -> meta.add((ObjectNode) mk)));
      answer = MaskBits.answer(out, meta, masks);
    } else {
      answer = Http.JSON.writeValueAsBytes(out);
    }
    ex.getResponseHeaders().set("Server-Timing", String.format(Locale.ROOT,
        "request;dur=%.1f, decoder;dur=%.1f, answer;dur=%.1f", (t0 - start) / 1e6, ms,
        (System.nanoTime() - t1) / 1e6));
    Http.send(ex, 200, bits ? MaskBits.TYPE : Http.JSON_TYPE, answer);
  }

  private ObjectNode everything(HttpExchange ex, String id) throws IOException {
    ServedModel m = model(ex);
    RgbImage img = store.image(id);
    AmgConfig cfg = AmgJson.parse(Http.jsonBody(ex, config.maxUploadBytes()));
    acquire();
    long t0 = System.nanoTime();
    List<MaskRecord> records;
    try {
      progress.put(id, new long[2]);
      records = new AutomaticMaskGenerator(m.model(), cfg).generate(img,
          (done, total) -> progress.put(id, new long[] {done, total}));
    } finally {
      progress.remove(id);
      heavy.release();
    }
    ObjectNode out = RecordsJson.toJson(records, AmgConfig.OutputMode.COCO_RLE, i -> null);
    return out.put("elapsed_ms", (System.nanoTime() - t0) / 1e6);
  }

  private ObjectNode export(HttpExchange ex, String id) throws IOException {
    RgbImage img = store.image(id);
    JsonNode body = Http.jsonBody(ex, config.maxUploadBytes());
    List<CocoExport.Item> items = CocoExport.objects(body, img.width(), img.height());
    String format = body.path("format").asText("coco");
    return switch (format) {
      case "coco" -> CocoExport.coco(id, img.width(), img.height(), items);
      case "png" -> CocoExport.labelPng(img.width(), img.height(), items);
      default -> throw ApiException.badRequest("export \"format\" must be \"coco\" or \"png\", got '"
          + format + "'");
    };
  }

  /** Closes the idle predictors. */
  void close() {
    video.close();
    predictors.close();
  }

  /** {embeddings cached, their bytes, encodings ever done}. */
  long[] cacheStats() {
    return store.embeddingStats();
  }
}
