package io.sam4j.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.FileServer;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local server: clean, broken off and resumed, ignored ranges, corrupt files. */
class DownloaderTest {
  /** {@code sha256sum sam-tiny-random.pth}. */
  static final String TINY_SHA256 = "aa3c7b28fe427a6b3276b23d74cf3a3499511fb3dc17d95805412080f9a7d341";

  @TempDir Path home;
  private byte[] bytes;
  private FileServer server;
  private ModelEntry entry;
  private Path target;
  private final RecordingProgress progress = new RecordingProgress();

  @BeforeEach
  void serve() throws IOException {
    bytes = tiny();
    server = FileServer.serving("sam-tiny.pth", bytes);
    entry = new ModelEntry("tiny", "sam-tiny.pth", server.url(), TINY_SHA256, bytes.length,
        "sha256sum", "the tiny random fixture");
    target = new ModelCache(home).fileOf(entry);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The bytes of the tiny fixture checkpoint, checked against {@link #TINY_SHA256}. */
  static byte[] tiny() throws IOException {
    byte[] b = Files.readAllBytes(Fixtures.checkpoint(Fixtures.Model.TINY));
    assertEquals(TINY_SHA256, sha256(b));
    return b;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static Downloader downloader(int attempts) {
    return new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(5), attempts);
  }

  private Path part() {
    return target.resolveSibling("sam-tiny.pth.part");
  }

  @Test
  void cleanDownloadIsVerifiedAndPutInPlace() throws IOException {
    Path p = downloader(1).download(entry, target, progress);
    assertEquals(target, p);
    assertArrayEquals(bytes, Files.readAllBytes(target));
    assertFalse(Files.exists(part()));
    assertEquals(List.of(""), server.ranges());
    assertEquals(List.of("begin downloading tiny 0 " + bytes.length, "end " + bytes.length),
        progress.events);
    assertEquals(List.of(), progress.notes);
  }

  @Test
  void brokenDownloadKeepsPartAndResumesWithRange() throws IOException {
    int half = bytes.length / 2;
    server.cutNextResponseAfter(half);
    SamException e = assertThrows(SamException.class,
        () -> downloader(1).download(entry, target, progress));
    assertEquals(SamException.Kind.IO, e.kind());
    assertTrue(e.getMessage().contains("cannot download tiny from " + server.url()), e.getMessage());
    assertTrue(e.getMessage().contains("save it as " + target), e.getMessage());
    assertFalse(Files.exists(target));
    long kept = Files.size(part());
    assertTrue(kept > 0 && kept <= half, "kept " + kept);
    assertTrue(e.getMessage().contains(kept + " bytes are kept in " + part()), e.getMessage());
    assertArrayEquals(Arrays.copyOf(bytes, (int) kept), Files.readAllBytes(part()));

    downloader(1).download(entry, target, progress);
    assertEquals(List.of("", "bytes=" + kept + "-"), server.ranges());
    assertArrayEquals(bytes, Files.readAllBytes(target));
    assertFalse(Files.exists(part()));
    assertTrue(progress.events.contains("begin checking sam-tiny.pth.part 0 " + kept),
        progress.events.toString());
    assertTrue(progress.events.contains("begin downloading tiny " + kept + " " + bytes.length),
        progress.events.toString());
  }

  @Test
  void brokenConnectionIsResumedWithinOneCall() throws IOException {
    server.cutNextResponseAfter(100_000);
    downloader(2).download(entry, target, progress);
    assertEquals(2, server.requests());
    assertEquals("", server.ranges().get(0));
    assertTrue(server.ranges().get(1).matches("bytes=\\d+-"), server.ranges().toString());
    assertArrayEquals(bytes, Files.readAllBytes(target));
    assertTrue(progress.allNotes().contains("broke off"), progress.allNotes());
  }

  @Test
  void serverIgnoringRangeMakesItStartOver() throws IOException {
    // a part file whose bytes are wrong: appending to it would give a file that fails the hash
    Files.createDirectories(target.getParent());
    Files.write(part(), new byte[1000]);
    server.ignoreRange(true);
    downloader(1).download(entry, target, progress);
    assertEquals(List.of("bytes=1000-"), server.ranges());
    assertArrayEquals(bytes, Files.readAllBytes(target));
    assertFalse(Files.exists(part()));
    assertTrue(progress.allNotes().contains("ignored the range request"), progress.allNotes());
  }

  @Test
  void corruptFileIsRejectedAndNothingIsLeft() throws IOException {
    byte[] bad = bytes.clone();
    bad[bad.length / 3] ^= 1;
    server.serve(bad);
    SamException e = assertThrows(SamException.class,
        () -> downloader(1).download(entry, target, progress));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("checksum mismatch for tiny"), e.getMessage());
    assertTrue(e.getMessage().contains("expected sha256 " + TINY_SHA256), e.getMessage());
    assertTrue(e.getMessage().contains("got " + sha256(bad)), e.getMessage());
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(part()));
  }

  @Test
  void shortFileIsRejectedAndNothingIsLeft() throws IOException {
    server.serve(Arrays.copyOf(bytes, 5000));
    SamException e = assertThrows(SamException.class,
        () -> downloader(1).download(entry, target, progress));
    assertEquals(SamException.Kind.BAD_CHECKPOINT, e.kind());
    assertTrue(e.getMessage().contains("sent 5000 bytes but tiny has " + bytes.length),
        e.getMessage());
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(part()));
  }

  @Test
  void completePartFileNeedsNoRequest() throws IOException {
    Files.createDirectories(target.getParent());
    Files.write(part(), bytes);
    downloader(1).download(entry, target, progress);
    assertEquals(0, server.requests());
    assertArrayEquals(bytes, Files.readAllBytes(target));
  }

  @Test
  void oversizedPartFileIsStartedOver() throws IOException {
    Files.createDirectories(target.getParent());
    Files.write(part(), new byte[bytes.length + 10]);
    downloader(1).download(entry, target, progress);
    assertEquals(List.of(""), server.ranges());
    assertArrayEquals(bytes, Files.readAllBytes(target));
  }

  @Test
  void unreachableServerSaysWhatFailedAndWhereToPutTheFile() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + port + "/sam-tiny.pth");
    ModelEntry gone = entry.withBaseUrl(URI.create("http://127.0.0.1:" + port + "/"));
    assertEquals(url, gone.url());
    SamException e = assertThrows(SamException.class,
        () -> downloader(1).download(gone, target, progress));
    assertEquals(SamException.Kind.IO, e.kind());
    assertTrue(e.getMessage().startsWith("cannot download tiny from " + url + ": ConnectException"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("download " + url + " and save it as " + target),
        e.getMessage());
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(part()), "an empty part file is not kept");
  }

  @Test
  void httpErrorIsReported() {
    ModelEntry missing = new ModelEntry("tiny", "other.pth", server.base().resolve("other.pth"),
        TINY_SHA256, bytes.length, null, "");
    SamException e = assertThrows(SamException.class,
        () -> downloader(3).download(missing, target, progress));
    assertTrue(e.getMessage().contains("the server answered HTTP 404"), e.getMessage());
    assertEquals(1, server.requests(), "an HTTP error is not retried");
    assertFalse(Files.exists(part()));
  }

  @Test
  void fileWithoutReferenceHashIsAcceptedWithAWarning() throws IOException {
    ModelEntry unhashed = new ModelEntry("tiny", "sam-tiny.pth", server.url(), null,
        ModelEntry.UNKNOWN_SIZE, null, "");
    downloader(1).download(unhashed, target, progress);
    assertArrayEquals(bytes, Files.readAllBytes(target));
    assertEquals(List.of("begin downloading tiny 0 " + bytes.length, "end " + bytes.length),
        progress.events, "the total comes from Content-Length");
    assertTrue(progress.allNotes().contains("the file was NOT verified (its sha256 is "
        + TINY_SHA256 + ")"), progress.allNotes());
  }

  @Test
  void attemptsMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Downloader(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
    assertEquals("attempts must be >= 1: 0", e.getMessage());
  }
}
