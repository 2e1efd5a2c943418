package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the DevTools protocol with the JDK's WebSocket client (no
 * Selenium, no chromedriver): one page, commands answered by id, events ignored.
 */
final class Chromium implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** The browser binary: $CHROME_BIN, else chromium on the PATH; null when there is none. */
  static Path binary() {
    String env = System.getenv("CHROME_BIN");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * The browser binary for a browser test; without one the test is skipped, except in CI
   * (CI=true), where it fails.
   */
  static Path binaryOrSkip() {
    Path chrome = binary();
    if (chrome == null) {
      Assertions.assertNotEquals("true", System.getenv("CI"),
          "CI must install chromium (.ci/run does)");
      Assumptions.abort("no chromium on the PATH (apt-get install chromium)");
    }
    return chrome;
  }

  Chromium(Path binary, Path workDir) throws IOException, InterruptedException {
    profile = Files.createTempDirectory(workDir, "chromium-profile");
    process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile,
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
        .redirectErrorStream(true).start();
    String browserWs = null;
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    StringBuilder log = new StringBuilder();
    for (String line; browserWs == null && System.nanoTime() < deadline
        && (line = out.readLine()) != null; ) {
      log.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        browserWs = m.group(1);
      }
    }
    if (browserWs == null) {
      close();
      throw new IOException("Chromium did not start its DevTools endpoint:\n" + log);
    }
    Thread drain = new Thread(() -> {
      try {
        out.transferTo(java.io.Writer.nullWriter());
      } catch (IOException e) {
        // the browser is gone
      }
    });
    drain.setDaemon(true);
    drain.start();
    URI ws = URI.create(browserWs);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> list = http.send(HttpRequest.newBuilder(
        URI.create("http://" + ws.getAuthority() + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString());
    String pageWs = null;
    for (JsonNode t : Http.JSON.readTree(list.body())) {
      if (t.path("type").asText().equals("page")) {
        pageWs = t.get("webSocketDebuggerUrl").asText();
      }
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new Listener()).join();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode msg = Http.JSON.readTree(partial.toString());
          if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) {
              if (msg.has("error")) {
                f.completeExceptionally(new IOException("DevTools: " + msg.get("error")));
              } else {
                f.complete(msg.get("result"));
              }
            }
          }
        } catch (IOException e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  /** Sends a DevTools command and waits for its result. */
  JsonNode send(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = Http.JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params == null ? Http.JSON.createObjectNode() : params);
    socket.sendText(Http.JSON.writeValueAsString(msg), true).join();
    return f.get(60, TimeUnit.SECONDS);
  }

  static ObjectNode params() {
    return Http.JSON.createObjectNode();
  }

  /** Downloads are refused (an older protocol lets them land in the temporary profile). */
  void denyDownloads() throws Exception {
    try {
      send("Page.setDownloadBehavior", params().put("behavior", "deny"));
    } catch (IOException e) {
      // older protocol: downloads land in the temporary profile
    }
  }

  /** Picks files in the page's file input, as the file picker does. */
  void setInputFiles(String selector, Path... files) throws Exception {
    int root = send("DOM.getDocument", null).get("root").get("nodeId").asInt();
    int input = send("DOM.querySelector", params().put("nodeId", root).put("selector", selector))
        .get("nodeId").asInt();
    ArrayNode paths = Http.JSON.createArrayNode();
    for (Path f : files) {
      paths.add(f.toAbsolutePath().toString());
    }
    send("DOM.setFileInputFiles", params().put("nodeId", input).set("files", paths));
  }

  /**
   * Page coordinates of the centre of image pixel (x, y) on the #overlay canvas; {@code state}
   * is the page's state object, which holds the image's width and height.
   */
  double[] client(String state, double x, double y) throws Exception {
    JsonNode r = eval("(() => { const r = document.getElementById('overlay')"
        + ".getBoundingClientRect(); return [r.left, r.top, r.width / " + state + ".width,"
        + " r.height / " + state + ".height]; })()");
    return new double[] {r.get(0).asDouble() + (x + 0.5) * r.get(2).asDouble(),
        r.get(1).asDouble() + (y + 0.5) * r.get(3).asDouble()};
  }

  /** Evaluates a JavaScript expression (promises awaited) and returns its JSON value. */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = send("Runtime.evaluate", params().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Polls an expression until it is true. */
  void waitFor(String expression, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!eval("!!(" + expression + ")").asBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + expression
            + "; status: " + eval("document.getElementById('status').textContent"));
      }
      Thread.sleep(50);
    }
  }

  /** A mouse event at page coordinates. */
  void mouse(String type, double x, double y, String button, int buttons, int modifiers)
      throws Exception {
    send("Input.dispatchMouseEvent", params().put("type", type).put("x", x).put("y", y)
        .put("button", button).put("buttons", buttons).put("clickCount", 1)
        .put("modifiers", modifiers));
  }

  /** A left-button drag between page coordinates, through the midpoint (8 = Shift held). */
  void drag(double[] from, double[] to, int modifiers) throws Exception {
    mouse("mousePressed", from[0], from[1], "left", 1, modifiers);
    mouse("mouseMoved", (from[0] + to[0]) / 2, (from[1] + to[1]) / 2, "left", 1, modifiers);
    mouse("mouseMoved", to[0], to[1], "left", 1, modifiers);
    mouse("mouseReleased", to[0], to[1], "left", 0, modifiers);
  }

  /** Saves a PNG screenshot of the page. */
  void screenshot(Path file) throws Exception {
    JsonNode r = send("Page.captureScreenshot", params().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, java.util.Base64.getDecoder().decode(r.get("data").asText()));
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover profile in target/ is harmless
    }
  }
}
