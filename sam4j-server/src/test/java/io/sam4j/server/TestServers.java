package io.sam4j.server;

import io.sam4j.SamModel;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The MobileSAM fixture model (loaded once per JVM) and HTTP helpers for the server tests. */
final class TestServers {
  private static SamModel model;
  private static SamModel sam21;

  private TestServers() {}

  static synchronized SamModel mobileSam() {
    if (model == null) {
      model = SamModel.load(Fixtures.checkpoint(Fixtures.Model.MOBILESAM));
      Runtime.getRuntime().addShutdownHook(new Thread(model::close));
    }
    return model;
  }

  /** The SAM 2.1 fixture model (random weights, official structure), loaded once per JVM. */
  static synchronized SamModel sam21() {
    if (sam21 == null) {
      Path root = Fixtures.root();
      sam21 = SamModel.load(root.resolve("sam2.1_hiera_fixture.pt"),
          root.resolve("sam2.1_hiera_fixture.yaml"));
      Runtime.getRuntime().addShutdownHook(new Thread(sam21::close));
    }
    return sam21;
  }

  /** The fixture clip's frames (8 JPEGs, 960x540). */
  static Path clip() {
    return Fixtures.root().resolve("video").resolve("bedroom");
  }

  /** The clip's frames as a zip (entries in a folder, as zipping a folder makes them). */
  static byte[] clipZip() throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b);
         java.util.stream.Stream<Path> files = java.nio.file.Files.list(clip())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList()) {
        z.putNextEntry(new java.util.zip.ZipEntry("bedroom/" + f.getFileName()));
        z.write(java.nio.file.Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    return b.toByteArray();
  }

  /** A zip holding one entry {@code name} with {@code content}. */
  static byte[] zip(String name, byte[] content) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
      z.putNextEntry(new java.util.zip.ZipEntry(name));
      z.write(content);
      z.closeEntry();
    }
    return b.toByteArray();
  }

  /** A server for the SAM 2.1 fixture model on an ephemeral loopback port. */
  static SamServer startVideo(ServerConfig config) {
    return SamServer.start(List.of(ServedModel.of("sam2.1", sam21())),
        config.withAddress("127.0.0.1", 0));
  }

  static Path image(String name) {
    return Fixtures.root().resolve("images").resolve(name);
  }

  /** A server on an ephemeral loopback port. */
  static SamServer start(ServerConfig config) {
    return SamServer.start(List.of(ServedModel.of("mobilesam", mobileSam())),
        config.withAddress("127.0.0.1", 0));
  }

  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .build();

  static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return CLIENT.send(b.timeout(Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder request(SamServer s, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
  }

  /** Sends a request line exactly as given (no client normalizes it) and returns the status. */
  static int rawStatus(SamServer s, String requestTarget) throws IOException {
    try (Socket sock = new Socket("127.0.0.1", s.port())) {
      sock.setSoTimeout(10_000);
      OutputStream out = sock.getOutputStream();
      out.write(("GET " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = sock.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 404"
      return Integer.parseInt(head.substring(9, 12));
    }
  }
}
