package io.sam4j.server;

import io.sam4j.SamException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How a {@link SamServer} listens and what it keeps.
 *
 * @param host the address to bind; anything but a loopback address requires a token
 * @param port the port, 0 for an ephemeral one
 * @param token the bearer token every {@code /v1} call must carry, or null for none
 * @param maxUploadBytes uploads (request bodies) over this many bytes are answered 413
 * @param maxPixels uploaded images whose header claims more pixels are refused (413) before decoding
 * @param cacheEmbeddings the most image embeddings kept (least recently used evicted first)
 * @param cacheBytes the most bytes of embeddings and decoded images kept
 * @param threads request-handling threads
 * @param maxVideos uploaded videos kept (the least recently used one without a session is
 *     deleted to make room)
 * @param maxSessions video sessions open at once; one more is answered 429 with Retry-After
 * @param sessionIdleSeconds a video session unused this long is closed and its memory freed
 */
public record ServerConfig(String host, int port, String token, long maxUploadBytes,
    long maxPixels, int cacheEmbeddings, long cacheBytes, int threads, int maxVideos,
    int maxSessions, long sessionIdleSeconds) {
  /**
   * Defaults: 127.0.0.1:8080, no token, 32 MB uploads, 40 megapixels, 16 embeddings, 1 GiB; 16
   * videos, 4 video sessions closed after 10 idle minutes.
   */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8080, null, 32L << 20, 40_000_000L, 16, 1L << 30,
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 16, 4, 600);
  }

  /** The defaults with the options of {@code sam4j serve}. */
  public static ServerConfig of(String host, int port, String token, long maxUploadBytes,
      int cacheEmbeddings) {
    ServerConfig d = defaults();
    return new ServerConfig(host, port, token, maxUploadBytes, d.maxPixels(), cacheEmbeddings,
        d.cacheBytes(), d.threads(), d.maxVideos(), d.maxSessions(), d.sessionIdleSeconds());
  }

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw bad("--host must name an address to listen on, such as 127.0.0.1");
    }
    if (port < 0 || port > 65535) {
      throw bad("--port must be in 0..65535 (0 picks a free port), got " + port);
    }
    if (token != null && token.isEmpty()) {
      throw bad("--token must not be empty");
    }
    if (maxUploadBytes < 1 || maxPixels < 1 || cacheEmbeddings < 1 || cacheBytes < 1
        || threads < 1 || maxVideos < 1 || maxSessions < 1 || sessionIdleSeconds < 1) {
      throw bad("--max-upload-mb, --cache-embeddings, the pixel and byte limits, the thread"
          + " count and the video limits must be positive");
    }
    if (token == null && !isLoopback(host)) {
      throw bad("refusing to listen on " + host + " without --token: any other host than a loopback"
          + " address (127.0.0.1, ::1, localhost) lets other machines use the server, so every API"
          + " call must then carry the token; give --token T or --host 127.0.0.1");
    }
  }

  /** A copy listening on another host and port. */
  public ServerConfig withAddress(String newHost, int newPort) {
    return new ServerConfig(newHost, newPort, token, maxUploadBytes, maxPixels, cacheEmbeddings,
        cacheBytes, threads, maxVideos, maxSessions, sessionIdleSeconds);
  }

  /** A copy with another token (null for none). */
  public ServerConfig withToken(String newToken) {
    return new ServerConfig(host, port, newToken, maxUploadBytes, maxPixels, cacheEmbeddings,
        cacheBytes, threads, maxVideos, maxSessions, sessionIdleSeconds);
  }

  /** A copy with other limits. */
  public ServerConfig withLimits(long newMaxUploadBytes, int newCacheEmbeddings) {
    return new ServerConfig(host, port, token, newMaxUploadBytes, maxPixels, newCacheEmbeddings,
        cacheBytes, threads, maxVideos, maxSessions, sessionIdleSeconds);
  }

  /** A copy with other video limits. */
  public ServerConfig withVideoLimits(int newMaxVideos, int newMaxSessions,
      long newSessionIdleSeconds) {
    return new ServerConfig(host, port, token, maxUploadBytes, maxPixels, cacheEmbeddings,
        cacheBytes, threads, newMaxVideos, newMaxSessions, newSessionIdleSeconds);
  }

  /** Whether a host name or literal resolves only to loopback addresses. */
  static boolean isLoopback(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      throw bad("--host " + host + " is not a known address: " + e.getMessage());
    }
  }

  private static SamException bad(String message) {
    return new SamException(SamException.Kind.BAD_INPUT, message);
  }
}
