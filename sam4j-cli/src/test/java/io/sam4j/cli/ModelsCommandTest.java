package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.fixtures.FileServer;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j models}: listing, locating, verifying, and pulling from a local mirror. Every test
 * passes {@code --home}, and downloads only come from 127.0.0.1.
 */
class ModelsCommandTest {
  private static final String MOBILE_SAM_SHA256 =
      "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f";
  private static final int MOBILE_SAM_BYTES = 40_728_226;

  @TempDir Path home;

  private Path models() {
    return home.resolve("models");
  }

  private Path place(String file, byte[] content) throws IOException {
    Files.createDirectories(models());
    return Files.write(models().resolve(file), content);
  }

  private List<String> filesInModels() throws IOException {
    if (!Files.exists(models())) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(models())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String sha256(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void helpShowsTheActionsAndAnExample() {
    CliRunner r = CliRunner.run("models", "--help");
    assertEquals(0, r.exitCode, r.err);
    for (String s : List.of("list", "pull", "path", "verify", "sam4j models pull mobile_sam")) {
      assertTrue(r.out.contains(s), s + " in\n" + r.out);
    }
    CliRunner pull = CliRunner.run("models", "pull", "--help");
    assertEquals(0, pull.exitCode, pull.err);
    assertTrue(pull.out.contains("Example:"), pull.out);
    assertTrue(pull.out.contains("--base-url"), pull.out);
  }

  @Test
  void noActionIsAUsageError() {
    CliRunner r = CliRunner.run("models");
    assertEquals(2, r.exitCode);
    assertTrue(r.err.contains("say what to do: list, pull NAME, path NAME or verify NAME"), r.err);
  }

  @Test
  void listShowsEachModelAndItsState() throws IOException {
    place("mobile_sam.pt", new byte[10]);
    place("sam_vit_l_0b3195.pth.part", new byte[2500]);
    CliRunner r = CliRunner.run("models", "list", "--home", home);
    assertEquals(0, r.exitCode, r.err);
    List<String> lines = r.out.lines().toList();
    assertEquals("Models in " + models() + ":", lines.get(0));
    assertTrue(lines.get(1).matches("NAME +SIZE +STATUS +DESCRIPTION"), lines.get(1));
    assertTrue(lines.get(2).matches("sam_vit_b +375\\.0 MB +not downloaded +SAM ViT-B.*"),
        lines.get(2));
    assertTrue(lines.get(3).matches("sam_vit_l +1\\.2 GB +partial, 2\\.5 kB +SAM ViT-L.*"),
        lines.get(3));
    assertTrue(lines.get(4).matches("sam_vit_h +2\\.6 GB +not downloaded +SAM ViT-H.*"),
        lines.get(4));
    assertTrue(lines.get(5).matches("mobile_sam +40\\.7 MB +downloaded +MobileSAM.*"),
        lines.get(5));
    assertTrue(lines.get(8).matches("sam2_hiera_tiny +155\\.9 MB +not downloaded +SAM 2 .*"),
        lines.get(8));
    assertTrue(lines.get(24).matches("edgetam +\\? +not downloaded +EdgeTAM.*"), lines.get(24));
    assertTrue(lines.get(25).matches("sam3 +3\\.5 GB +gated \\(see 'pull'\\) +SAM 3.*"),
        lines.get(25));
    assertEquals(26, lines.size());
  }

  @Test
  void pathPrintsTheCachedFile() throws IOException {
    Path f = place("mobile_sam.pt", new byte[10]);
    CliRunner r = CliRunner.run("models", "path", "mobile_sam", "--home", home);
    assertEquals(0, r.exitCode, r.err);
    assertEquals(f.toString(), r.out.strip());
  }

  @Test
  void pathOfAModelNotDownloadedSaysWhereToPutIt() {
    CliRunner r = CliRunner.run("models", "path", "sam_vit_b", "--home", home);
    assertEquals(1, r.exitCode);
    assertEquals("sam4j: error: sam_vit_b is not downloaded yet: pull it (sam4j models pull "
        + "sam_vit_b), or download https://dl.fbaipublicfiles.com/segment_anything/"
        + "sam_vit_b_01ec64.pth and save it as " + models().resolve("sam_vit_b_01ec64.pth"),
        r.err.strip());
  }

  @Test
  void unknownNameListsTheKnownNames() {
    CliRunner r = CliRunner.run("models", "pull", "sam_vit_x", "--home", home);
    assertEquals(1, r.exitCode);
    assertTrue(r.err.strip().startsWith("sam4j: error: unknown model name 'sam_vit_x'; known names:"
        + " sam_vit_b, sam_vit_l, sam_vit_h, mobile_sam, edge_sam,"), r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);
  }

  @Test
  void verifyRejectsAFileThatIsNotThePublishedOne() throws Exception {
    byte[] wrong = "not mobile_sam".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    place("mobile_sam.pt", wrong);
    CliRunner r = CliRunner.run("models", "verify", "mobile_sam", "--home", home, "--quiet");
    assertEquals(1, r.exitCode);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.startsWith("sam4j: error: mobile_sam: MISMATCH, "), r.err);
    assertTrue(r.err.contains("has sha256 " + sha256(wrong) + " and is 14 bytes instead of "
        + MOBILE_SAM_BYTES), r.err);
    assertTrue(r.err.contains("published file has sha256 " + MOBILE_SAM_SHA256), r.err);
    assertEquals("", r.out);
  }

  @Test
  void pullOfAPresentModelMakesNoRequest() throws IOException {
    Path f = place("mobile_sam.pt", new byte[10]);
    try (FileServer server = FileServer.serving("mobile_sam.pt", new byte[10])) {
      CliRunner r = CliRunner.run("models", "pull", "mobile_sam", "--home", home, "--base-url",
          server.base());
      assertEquals(0, r.exitCode, r.err);
      assertEquals(f.toString(), r.out.strip());
      assertEquals("mobile_sam is already downloaded", r.err.strip());
      assertEquals(0, server.requests());
    }
  }

  @Test
  void pullRejectsAMirrorServingOtherBytesAndLeavesNothing() throws Exception {
    byte[] zeros = new byte[MOBILE_SAM_BYTES];
    try (FileServer server = FileServer.serving("mobile_sam.pt", zeros)) {
      CliRunner r = CliRunner.run("models", "pull", "mobile_sam", "--home", home, "--base-url",
          server.base());
      assertEquals(1, r.exitCode);
      String error = r.err.lines().filter(l -> l.startsWith("sam4j: error:")).findFirst().orElse("");
      assertTrue(error.contains("checksum mismatch for mobile_sam downloaded from "
          + server.base() + "mobile_sam.pt: expected sha256 " + MOBILE_SAM_SHA256 + ", got "
          + sha256(zeros)), r.err);
      assertTrue(r.err.startsWith("downloading mobile_sam (40.7 MB)"), r.err);
      assertTrue(r.err.contains("100%  40.7 MB / 40.7 MB"), r.err);
      assertEquals("", r.out);
      assertEquals(1, server.requests());
    }
    assertEquals(List.of(), filesInModels());
  }

  @Test
  void pullRejectsAFileOfTheWrongSize() throws IOException {
    byte[] tiny = Files.readAllBytes(Fixtures.checkpoint(Fixtures.Model.TINY));
    try (FileServer server = FileServer.serving("sam_vit_b_01ec64.pth", tiny)) {
      CliRunner r = CliRunner.run("models", "pull", "sam_vit_b", "--home", home, "--base-url",
          server.base(), "-q");
      assertEquals(1, r.exitCode);
      assertEquals("sam4j: error: " + server.base() + "sam_vit_b_01ec64.pth sent " + tiny.length
          + " bytes but sam_vit_b has 375042383; the download was deleted and nothing was saved "
          + "at " + models().resolve("sam_vit_b_01ec64.pth"), r.err.strip());
    }
    assertEquals(List.of(), filesInModels());
  }

  @Test
  void unreachableMirrorSaysWhatFailedAndHowToPlaceTheFile() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/mobile_sam.pt";
    CliRunner r = CliRunner.run("models", "pull", "mobile_sam", "--home", home, "--base-url",
        "http://127.0.0.1:" + port + "/", "-q");
    assertEquals(1, r.exitCode);
    String err = r.err.strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("sam4j: error: cannot download mobile_sam from " + url
        + ": ConnectException"), err);
    assertTrue(err.endsWith("To place the file by hand, download " + url + " and save it as "
        + models().resolve("mobile_sam.pt")), err);
    assertFalse(Files.exists(models().resolve("mobile_sam.pt")));
    assertEquals(List.of(), filesInModels());
  }

  @Test
  void badBaseUrlIsReported() {
    CliRunner r = CliRunner.run("models", "pull", "mobile_sam", "--home", home, "--base-url",
        "ftp://example.com/");
    assertEquals(1, r.exitCode);
    assertTrue(r.err.startsWith("sam4j: error: --base-url: URL of model sam_vit_b must be an "
        + "http(s) URL"), r.err);
  }
}
