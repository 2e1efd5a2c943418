package io.sam4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Small helpers over {@link HttpExchange}: bounded bodies, JSON answers, query parameters. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String JSON_TYPE = "application/json; charset=utf-8";
  /** Bodies up to this much over the limit are read and discarded so the 413 reaches the client. */
  private static final long DRAIN_LIMIT = 64L << 20;

  private Http() {}

  /**
   * The request body, at most {@code limit} bytes.
   *
   * @throws ApiException 413 when the body is longer
   */
  static byte[] body(HttpExchange ex, long limit) throws IOException {
    String len = ex.getRequestHeaders().getFirst("Content-Length");
    long declared = -1;
    if (len != null) {
      try {
        declared = Long.parseLong(len.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Content-Length '" + len + "' is not a number");
      }
    }
    InputStream in = ex.getRequestBody();
    if (declared > limit) {
      if (declared <= limit + DRAIN_LIMIT) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      throw tooLarge(limit);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(
        (int) Math.min(declared > 0 ? declared : 8192, 1 << 26));
    byte[] buf = new byte[65536];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
      if (total > limit) {
        throw tooLarge(limit);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static ApiException tooLarge(long limit) {
    return new ApiException(413, "the request body is over the server's limit of " + limit
        + " bytes (" + limit / (1 << 20) + " MB; sam4j serve --max-upload-mb raises it)");
  }

  /** The body parsed as JSON (an empty body is an empty object). */
  static JsonNode jsonBody(HttpExchange ex, long limit) throws IOException {
    byte[] b = body(ex, limit);
    if (b.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(b);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Sends a JSON answer. */
  static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, JSON_TYPE, JSON.writeValueAsBytes(body));
  }

  /** Sends an answer with the given type. */
  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    }
  }

  /** A JSON error answer {@code {"error": message, "status": code}}. */
  static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, JSON.createObjectNode().put("error", message).put("status", status));
  }

  /** The query parameters (decoded; the last of repeated names wins). */
  static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new HashMap<>();
    String q = ex.getRequestURI().getRawQuery();
    if (q == null || q.isEmpty()) {
      return out;
    }
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      try {
        out.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("the query '" + q + "' is not URL-encoded correctly");
      }
    }
    return out;
  }

  /**
   * Takes a slot of {@code heavy} (encodings, everything, propagation), waiting up to 60 s; a 503
   * with {@code busy} when none frees up.
   */
  static void acquire(java.util.concurrent.Semaphore heavy, String busy) {
    try {
      if (!heavy.tryAcquire(60, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new ApiException(503, busy);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted");
    }
  }
}
