package io.sam4j.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import io.sam4j.fixtures.FileServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolving --model arguments, pulling on first use, and verifying the cache. */
class ModelStoreTest {
  @TempDir Path home;
  @TempDir Path elsewhere;
  private byte[] bytes;
  private FileServer server;
  private ModelStore store;
  private final RecordingProgress progress = new RecordingProgress();

  @BeforeEach
  void serve() throws IOException {
    bytes = DownloaderTest.tiny();
    server = FileServer.serving("sam-tiny.pth", bytes);
    ModelRegistry registry = ModelRegistry.of(List.of(
        new ModelEntry("tiny", "sam-tiny.pth", server.url(), DownloaderTest.TINY_SHA256,
            bytes.length, null, "tiny"),
        new ModelEntry("tiny_unhashed", "sam-tiny-2.pth", server.url(), null,
            ModelEntry.UNKNOWN_SIZE, null, "tiny, no hash"),
        new ModelEntry("tiny_gated", "sam-tiny-3.pth", server.url(), DownloaderTest.TINY_SHA256,
            bytes.length, null, "tiny, gated", "accept the licence at https://example.com first")));
    store = new ModelStore(registry, new ModelCache(home),
        new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(5), 1), progress);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void existingPathIsUsedAsIsWithoutNetwork() throws IOException {
    Path file = elsewhere.resolve("tiny"); // even when named like a registry entry
    Files.write(file, new byte[] {1, 2, 3});
    assertEquals(file, store.resolve(file.toString()));
    assertEquals(0, server.requests());
    assertFalse(Files.exists(home.resolve("models")));
  }

  @Test
  void nameIsPulledOnFirstUseOnly() throws IOException {
    Path p = store.resolve("tiny");
    assertEquals(home.resolve("models/sam-tiny.pth"), p);
    assertArrayEquals(bytes, Files.readAllBytes(p));
    assertEquals(p, store.resolve("tiny"));
    assertEquals(p, store.pull("tiny"));
    assertEquals(p, store.path("tiny"));
    assertEquals(1, server.requests());
  }

  @Test
  void gatedModelIsNeverDownloadedButUsedOnceInTheCache() throws IOException {
    SamException e = assertThrows(SamException.class, () -> store.resolve("tiny_gated"));
    assertEquals("tiny_gated cannot be downloaded by sam4j: accept the licence at"
        + " https://example.com first (" + home.resolve("models").resolve("sam-tiny-3.pth") + ")",
        e.getMessage());
    assertEquals(0, server.requests());
    Files.createDirectories(home.resolve("models"));
    Files.write(home.resolve("models").resolve("sam-tiny-3.pth"), bytes);
    assertEquals(home.resolve("models").resolve("sam-tiny-3.pth"), store.resolve("tiny_gated"));
  }

  @Test
  void unknownNameIsAnErrorNamingTheKnownNames() {
    SamException e = assertThrows(SamException.class, () -> store.resolve("sam_vit_q"));
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
    assertEquals("'sam_vit_q' is neither an existing file nor a known model name; known names: "
        + "tiny, tiny_unhashed, tiny_gated", e.getMessage());
    SamException blank = assertThrows(SamException.class, () -> store.resolve(" "));
    assertTrue(blank.getMessage().startsWith("no model given"), blank.getMessage());
    assertEquals(0, server.requests());
    assertFalse(Files.exists(home.resolve("models")));
  }

  @Test
  void pathOfAModelNotDownloadedSaysHowToGetIt() {
    SamException e = assertThrows(SamException.class, () -> store.path("tiny"));
    assertEquals("tiny is not downloaded yet: pull it (sam4j models pull tiny), or download "
        + server.url() + " and save it as " + home.resolve("models/sam-tiny.pth"), e.getMessage());
    assertEquals(0, server.requests());
  }

  @Test
  void verifyFindsTheRightFile() {
    store.pull("tiny");
    Verification v = store.verify("tiny");
    assertEquals(Verification.Result.OK, v.result());
    assertEquals(DownloaderTest.TINY_SHA256, v.sha256());
    assertEquals(bytes.length, v.sizeBytes());
    assertTrue(v.ok());
  }

  @Test
  void verifyFindsAWrongFile() throws IOException {
    Path f = home.resolve("models/sam-tiny.pth");
    Files.createDirectories(f.getParent());
    Files.write(f, "not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Verification v = store.verify("tiny");
    assertEquals(Verification.Result.MISMATCH, v.result());
    assertEquals(DownloaderTest.sha256("not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
        v.sha256());
    assertTrue(v.message().contains("is 11 bytes instead of " + bytes.length), v.message());
    assertTrue(v.message().contains("published file has sha256 " + DownloaderTest.TINY_SHA256),
        v.message());
  }

  @Test
  void verifyWithoutReferenceHashSaysSo() {
    store.pull("tiny_unhashed");
    Verification v = store.verify("tiny_unhashed");
    assertEquals(Verification.Result.UNVERIFIED, v.result());
    assertFalse(v.ok());
    assertTrue(v.message().contains("NOT VERIFIED"), v.message());
    assertTrue(progress.allNotes().contains("NOT verified"), progress.allNotes());
  }
}
