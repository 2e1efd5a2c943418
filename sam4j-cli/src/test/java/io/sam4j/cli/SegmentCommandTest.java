package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sam4j segment}, {@code embed} and {@code info}: happy paths and bad inputs. */
class SegmentCommandTest {
  @TempDir Path dir;

  private static Path model() {
    return Fixtures.checkpoint(Model.MOBILESAM);
  }

  @Test
  void segmentsWithPointsAndWritesMasksJsonAndOverlay() throws IOException {
    Path out = dir.resolve("out");
    CliRunner r = CliRunner.run("segment", "--model", model(), "--image",
        Fixtures.imageFile("dog.jpg"), "--point", "400,300", "--point", "700,50,0", "--multimask",
        "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode json = new ObjectMapper().readTree(out.resolve("dog.json").toFile());
    assertEquals(534, json.get("size").get(0).asInt());
    JsonNode masks = json.get("objects").get(0).get("masks");
    assertEquals(3, masks.size());
    RgbImage photo = Images.read(Fixtures.imageFile("dog.jpg"));
    RgbImage overlay = Images.read(out.resolve("dog.overlay.png"));
    int best = json.get("objects").get(0).get("best").asInt();
    JsonNode m = masks.get(best);
    Rle rle = CocoRle.fromJson(m.get("segmentation"));
    assertEquals(m.get("area").asLong(), rle.area());
    // the mask PNG and the RLE agree
    RgbImage png = Images.read(out.resolve(m.get("file").asText()));
    var mask = rle.toMask();
    int tinted = 0;
    int untouched = 0;
    for (int y = 0; y < photo.height(); y += 3) {
      for (int x = 0; x < photo.width(); x += 3) {
        assertEquals(mask.get(x, y) ? 255 : 0, png.get(x, y, 0));
        boolean nearPoint = Math.hypot(x - 400, y - 300) < 20 || Math.hypot(x - 700, y - 50) < 20;
        if (nearPoint) {
          continue;
        }
        boolean same = photo.get(x, y, 0) == overlay.get(x, y, 0)
            && photo.get(x, y, 1) == overlay.get(x, y, 1) && photo.get(x, y, 2) == overlay.get(x, y, 2);
        if (mask.get(x, y)) {
          tinted += same ? 0 : 1;
        } else {
          assertTrue(same, "pixel (" + x + ", " + y + ") outside the mask was changed");
          untouched++;
        }
      }
    }
    assertTrue(tinted > 1000, "mask pixels are tinted: " + tinted);
    assertTrue(untouched > 1000 || mask.area() > 0.95 * photo.width() * photo.height());
    assertEquals(photo.width(), overlay.width());
    assertEquals(photo.height(), overlay.height());
  }

  @Test
  void severalBoxesAreSeveralObjects() throws IOException {
    Path out = dir.resolve("boxes");
    CliRunner r = CliRunner.run("segment", "--model", model(), "--image",
        Fixtures.imageFile("dog.jpg"), "--box", "10,20,300,400", "--box", "350,40,600,420",
        "--out", out);
    assertEquals(0, r.exitCode, r.err);
    JsonNode json = new ObjectMapper().readTree(out.resolve("dog.json").toFile());
    assertEquals(2, json.get("objects").size());
    assertTrue(Files.exists(out.resolve("dog.object1.mask0.png")));
  }

  @Test
  void directoryGoesOnAfterABadFileAndReportsIt() throws IOException {
    Path images = Files.createDirectory(dir.resolve("images"));
    Files.copy(Fixtures.imageFile("dog.jpg"), images.resolve("a.jpg"));
    Files.writeString(images.resolve("b.jpg"), "not a jpeg");
    Files.copy(Fixtures.imageFile("picture1.jpg"), images.resolve("c.jpg"));
    Path out = dir.resolve("dirout");
    CliRunner r = CliRunner.run("segment", "--model", model(), "--image", images, "--point",
        "100,100", "--out", out);
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("b.jpg"), r.err);
    assertTrue(Files.exists(out.resolve("a.json")));
    assertTrue(Files.exists(out.resolve("c.json")), "the image after the bad one is processed");
    assertTrue(Files.notExists(out.resolve("b.json")));
  }

  @Test
  void embeddingIsReusedWithoutTheEncoder() throws IOException {
    Path emb = dir.resolve("dog.emb.npy");
    assertEquals(0, CliRunner.run("embed", "--model", model(), "--image",
        Fixtures.imageFile("dog.jpg"), "--out", emb).exitCode);
    assertTrue(Files.exists(dir.resolve("dog.emb.json")));
    Path viaImage = dir.resolve("i");
    Path viaEmbedding = dir.resolve("e");
    assertEquals(0, CliRunner.run("segment", "--model", model(), "--image",
        Fixtures.imageFile("dog.jpg"), "--point", "400,300", "--out", viaImage).exitCode);
    CliRunner r = CliRunner.run("segment", "--model", model(), "--embedding", emb, "--point",
        "400,300", "--out", viaEmbedding);
    assertEquals(0, r.exitCode, r.err);
    JsonNode a = new ObjectMapper().readTree(viaImage.resolve("dog.json").toFile());
    JsonNode b = new ObjectMapper().readTree(viaEmbedding.resolve("dog.emb.json").toFile());
    assertEquals(a.get("objects").get(0).get("masks").get(0).get("segmentation"),
        b.get("objects").get(0).get("masks").get(0).get("segmentation"));
  }

  @Test
  void infoDescribesTheCheckpoint() throws IOException {
    CliRunner r = CliRunner.run("info", model());
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals("vit_t", j.get("architecture").asText());
    assertEquals("pytorch-zip", j.get("format").asText());
    assertEquals(io.sam4j.io.Sha256.of(model()), j.get("sha256").asText());
    assertEquals(10140231, j.get("parameters").get("total").asLong());
  }

  @Test
  void promptOutsideTheImageIsRefusedNamingTheImageSize() {
    CliRunner r = CliRunner.run("segment", "--model", model(), "--image",
        Fixtures.imageFile("dog.jpg"), "--point", "5000,1", "--out", dir.resolve("o"));
    assertEquals(1, r.exitCode, r.err);
    assertEquals("sam4j: error: --point 5000,1 lies outside dog.jpg, which is 800x534 (WxH):"
        + " coordinates are X,Y in image pixels, 0 <= X <= 800 and 0 <= Y <= 534", r.err.strip());
    // the border is inside
    CliRunner edge = CliRunner.run("segment", "--model", model(), "--image",
        Fixtures.imageFile("dog.jpg"), "--box", "0,0,800,534", "--out", dir.resolve("edge"));
    assertEquals(0, edge.exitCode, edge.err);
  }

  @Test
  void badInputsGiveOneLineAndNoOutput() throws IOException {
    Path out = dir.resolve("never");
    String[][] cases = {
        {"--image", Fixtures.imageFile("dog.jpg").toString(), "--point", "NaN,3"},
        {"--image", Fixtures.imageFile("dog.jpg").toString(), "--box", "300,10,200,50"},
        {"--image", Fixtures.imageFile("dog.jpg").toString(), "--point", "5000,1"},
        {"--image", Fixtures.imageFile("dog.jpg").toString(), "--point", "10,-1"},
        {"--image", Fixtures.imageFile("dog.jpg").toString(), "--box", "10,10,801,50"},
        {"--image", dir.resolve("missing.jpg").toString(), "--point", "1,1"},
        {"--image", Files.writeString(dir.resolve("x.png"), "junk").toString(), "--point", "1,1"},
    };
    for (String[] c : cases) {
      Object[] args = new Object[c.length + 5];
      args[0] = "segment";
      args[1] = "--model";
      args[2] = model();
      System.arraycopy(c, 0, args, 3, c.length);
      args[c.length + 3] = "--out";
      args[c.length + 4] = out;
      CliRunner r = CliRunner.run(args);
      assertEquals(1, r.exitCode, String.join(" ", c));
      assertEquals(1, r.err.strip().lines().count(), r.err);
      assertTrue(r.err.startsWith("sam4j: error: "), r.err);
    }
    Path notModel = Files.writeString(dir.resolve("model.pth"), "hello");
    CliRunner r = CliRunner.run("segment", "--model", notModel, "--image",
        Fixtures.imageFile("dog.jpg"), "--point", "1,1", "--out", out);
    assertEquals(1, r.exitCode);
    assertTrue(r.err.contains("not a model checkpoint"), r.err);
    try (Stream<Path> s = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
      assertArrayEquals(new Object[0], s.filter(Files::isRegularFile).toArray());
    }
  }
}
