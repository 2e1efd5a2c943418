package io.sam4j.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The browser page, served from the jar: a fixed list of resources, so no request path ever reaches
 * the file system or another resource ({@code /../../etc/passwd} is simply not on the list: 404).
 */
final class StaticPage {
  private static final String BASE = "/io/sam4j/server/page/";
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
      "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
      "/video.html", new String[] {"video.html", "text/html; charset=utf-8"},
      "/video.js", new String[] {"video.js", "text/javascript; charset=utf-8"},
      "/common.js", new String[] {"common.js", "text/javascript; charset=utf-8"},
      "/masks.js", new String[] {"masks.js", "text/javascript; charset=utf-8"},
      "/concepts.js", new String[] {"concepts.js", "text/javascript; charset=utf-8"},
      "/app.css", new String[] {"app.css", "text/css; charset=utf-8"});

  private StaticPage() {}

  /** Whether the raw path names a page resource. */
  static boolean serves(String rawPath) {
    return FILES.containsKey(rawPath);
  }

  /** Sends the resource for the raw path (which {@link #serves}). */
  static void send(HttpExchange ex, String rawPath) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      throw new ApiException(405, ex.getRequestMethod() + " " + rawPath + " is not allowed: the"
          + " page is read with GET");
    }
    String[] f = FILES.get(rawPath);
    byte[] bytes;
    try (InputStream in = StaticPage.class.getResourceAsStream(BASE + f[0])) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the page resource " + f[0]);
      }
      bytes = in.readAllBytes();
    }
    ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self'"
        + " blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'");
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    Http.send(ex, 200, f[1], bytes);
  }
}
