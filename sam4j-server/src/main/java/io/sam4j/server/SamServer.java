package io.sam4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sam4j.ImageEmbedding;
import io.sam4j.SamException;
import io.sam4j.SamPredictor;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code sam4j serve}: the JSON API under {@code /v1} and the browser page, on the JDK's
 * {@link HttpServer}. The models are shared by all requests (each request decodes with its own
 * predictor); embeddings are cached. Closing stops the server, not the models.
 *
 * <pre>{@code
 * try (SamModel model = SamModel.load(Path.of("mobile_sam.pt"));
 *      SamServer server = SamServer.start(List.of(ServedModel.of("mobile_sam", model)),
 *          ServerConfig.defaults())) {
 *   System.out.println(server.uri());
 *   server.awaitStop();
 * }
 * }</pre>
 */
public final class SamServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SamServer.class.getName());

  private final HttpServer http;
  private final ExecutorService executor;
  private final Api api;
  private final byte[] tokenHash;
  private final Object stopped = new Object();
  private boolean closed;

  /**
   * Seconds a request (headers and body) may take to arrive before the JDK's server closes its
   * connection, so a client that stalls mid-upload does not hold a handler thread forever. The JDK
   * reads this system property once, when its first server starts; an explicit
   * {@code -Dsun.net.httpserver.maxReqTime} wins.
   */
  static final String MAX_REQUEST_SECONDS = "120";

  /**
   * The JDK's server writes an answer's headers and its body separately; with Nagle's algorithm
   * on, the body then waits for the client's delayed ACK of the headers (40 ms on Linux) on every
   * kept-alive connection, twice the 20 ms decode. The JDK reads {@code sun.net.httpserver.nodelay}
   * once, as {@link #MAX_REQUEST_SECONDS}; an explicit {@code -Dsun.net.httpserver.nodelay} wins.
   */
  static final String NO_DELAY = "true";

  private SamServer(List<ServedModel> models, List<ConceptModel> concepts, ServerConfig config)
      throws IOException {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", NO_DELAY);
    }
    this.api = new Api(models, concepts, config);
    this.tokenHash = config.token() == null ? null : sha256(config.token());
    this.http = HttpServer.create(
        new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
    this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
      Thread t = new Thread(r, "sam4j-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
    // a fresh server's first decodes are slow (runtime planning, Java not yet compiled)
    models.forEach(m -> executor.execute(() -> warmUp(m)));
  }

  private static void warmUp(ServedModel m) {
    try {
      DecoderWarmUp.run(m.model());
    } catch (RuntimeException ex) {
      LOG.log(Level.FINE, "decoder warm-up failed", ex); // the first request will say why
    }
  }

  /**
   * Starts a server.
   *
   * @throws SamException IO when the address cannot be bound (in use, not local)
   */
  public static SamServer start(List<ServedModel> models, ServerConfig config) {
    return start(models, List.of(), config);
  }

  /**
   * Starts a server that also answers SAM 3 concept prompts ({@code /v1/images/{id}/concepts})
   * with {@code concepts}; either list may be empty, not both.
   *
   * @throws SamException IO when the address cannot be bound (in use, not local)
   */
  public static SamServer start(List<ServedModel> models, List<ConceptModel> concepts,
      ServerConfig config) {
    try {
      return new SamServer(models, concepts, config);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot listen on " + config.host() + ":"
          + config.port() + ": " + e.getMessage() + " (is the port in use? --port 0 picks a free"
          + " one)", e);
    }
  }

  /** The port listened on (the ephemeral one when started with port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The page's address, for example {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + a.getPort() + "/");
  }

  /** Blocks until {@link #close} is called. */
  public void awaitStop() throws InterruptedException {
    synchronized (stopped) {
      while (!closed) {
        stopped.wait();
      }
    }
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      String raw = ex.getRequestURI().getRawPath();
      try {
        if (raw.equals("/v1") || raw.startsWith("/v1/")) {
          authorize(ex);
          api.handle(ex, raw);
        } else if (StaticPage.serves(raw)) {
          StaticPage.send(ex, raw);
        } else {
          throw ApiException.notFound("no such page or route: " + raw);
        }
      } catch (ApiException e) {
        if (e.status() == 503 || e.status() == 429) {
          ex.getResponseHeaders().set("Retry-After", "2");
        }
        fail(ex, e.status(), e.getMessage());
      } catch (SamException e) {
        fail(ex, e.kind() == SamException.Kind.RUNTIME || e.kind() == SamException.Kind.IO
            ? 500 : 400, e.getMessage());
      } catch (IOException e) {
        LOG.log(Level.FINE, "connection failed", e); // the client went away
      } catch (RuntimeException | OutOfMemoryError e) {
        LOG.log(Level.WARNING, "request " + raw + " failed", e);
        fail(ex, 500, "internal error: " + e);
      }
    }
  }

  private static void fail(HttpExchange ex, int status, String message) {
    if (ex.getResponseCode() != -1) {
      return; // the answer had begun; the connection is closed
    }
    try {
      Http.error(ex, status, message);
    } catch (IOException e) {
      LOG.log(Level.FINE, "could not send the error", e);
    }
  }

  private void authorize(HttpExchange ex) {
    if (tokenHash == null) {
      return;
    }
    String h = ex.getRequestHeaders().getFirst("Authorization");
    String given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : "";
    // hashes have one length, so the comparison time says nothing about the token
    if (!MessageDigest.isEqual(sha256(given), tokenHash)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new ApiException(401, "this server needs the header 'Authorization: Bearer <token>'"
          + " with the token given to sam4j serve --token");
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {embeddings cached, their bytes, encodings ever done}: to check the cache. */
  public long[] embeddingCacheStats() {
    return api.cacheStats();
  }

  @Override
  public void close() {
    synchronized (stopped) {
      if (closed) {
        return;
      }
      closed = true;
      stopped.notifyAll();
    }
    http.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    api.close();
  }
}
