package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamModel;
import io.sam4j.eval.davis.LabelMap;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.mask.CocoRle;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.result.Mask;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.VideoTracker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j track} on the SAM 2.1 fixture and the bedroom clip, with the prompts of the
 * fixture's step list (a click on frame 0 for object 1, a box for object 2, propagate forward):
 * the palette PNGs and the JSON hold exactly what the library's {@link VideoTracker} gives, and
 * agree with the reference's masks (step 2 of {@code steps.json}) at the tolerances.
 */
class TrackCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path root;
  private static Path frames;
  private static Path out;
  private static CliRunner run;
  private static List<FrameResult> api;

  @BeforeAll
  static void track(@TempDir Path dir) {
    root = Fixtures.root();
    frames = root.resolve("video/bedroom");
    out = dir.resolve("results");
    run = CliRunner.run("track", "--model", model(), "--config", config(), "--video", frames,
        "--point", "0,210,350", "--box", "0,820,250,960,540,2", "--out", out, "--quiet");
    api = new ArrayList<>();
    try (SamModel m = SamModel.load(model(), config());
         FolderFrameSource source = FolderFrameSource.open(frames);
         VideoTracker t = m.newTracker(source)) {
      t.addPoints(0, 1, List.of(new Point(210, 350, Label.FOREGROUND)));
      t.addBox(0, 2, new Box(820, 250, 960, 540));
      t.propagate(null, false, null, api::add);
    }
  }

  private static Path model() {
    return root.resolve("sam2.1_hiera_fixture.pt");
  }

  private static Path config() {
    return root.resolve("sam2.1_hiera_fixture.yaml");
  }

  @Test
  void palettePngsHoldTheLibrarysMasksAndTheReferences() throws IOException {
    assertEquals(0, run.exitCode, run.err);
    assertTrue(run.out.contains("Tracked 2 object(s) over 8 frames"), run.out);
    assertEquals(8, api.size());
    Path ref = root.resolve("sam2.1_hiera_fixture/video_bedroom");
    for (FrameResult r : api) {
      String name = String.format("%05d", r.frameIdx());
      int[] labels = LabelMap.read(out.resolve("bedroom").resolve(name + ".png")).toArray();
      int[] expected = new int[960 * 540];
      int[] reference = new int[960 * 540];
      for (int id : new int[] {2, 1}) {
        paint(expected, r.object(id).mask(), id);
        paint(reference, Mask.fromBits(readBits(ref.resolve(String.format("s02_f%02d_o%d.png",
            r.frameIdx(), id))), 960, 540), id);
      }
      assertArrayEquals(expected, labels, "frame " + name + " against the library");
      int same = 0;
      for (int p = 0; p < labels.length; p++) {
        same += labels[p] == reference[p] ? 1 : 0;
      }
      assertTrue(same >= 0.999 * labels.length, "frame " + name + ": " + same + " of "
          + labels.length + " pixels as the reference");
    }
  }

  @Test
  void jsonHoldsRleAreaBoxAndScoreOfEveryObject() throws IOException {
    assertEquals(0, run.exitCode, run.err);
    JsonNode json = JSON.readTree(out.resolve("bedroom.json").toFile());
    assertEquals(frames.toString(), json.at("/video/source").asText());
    assertEquals(8, json.at("/video/frames").asInt());
    JsonNode jf = json.get("frames");
    assertEquals(8, jf.size());
    JsonNode steps = JSON.readTree(root.resolve("sam2.1_hiera_fixture/video_bedroom/steps.json")
        .toFile()).at("/steps/2/out");
    for (int i = 0; i < 8; i++) {
      FrameResult r = api.get(i);
      assertEquals(r.frameIdx(), jf.get(i).get("frame_idx").asInt());
      JsonNode objects = jf.get(i).get("objects");
      assertEquals(2, objects.size());
      for (int k = 0; k < 2; k++) {
        ObjectResult o = r.objects().get(k);
        JsonNode jo = objects.get(k);
        assertEquals(o.objId(), jo.get("obj_id").asInt());
        Mask decoded = CocoRle.decode(jo.at("/segmentation/counts").asText(), 540, 960).toMask();
        assertEquals(o.mask(), decoded, "frame " + i + " object " + o.objId());
        assertEquals(o.mask().area(), jo.get("area").asLong());
        int[] b = o.mask().bounds();
        int[] xywh = b == null ? new int[4] : new int[] {b[0], b[1], b[2] - b[0] + 1, b[3] - b[1] + 1};
        for (int j = 0; j < 4; j++) {
          assertEquals(xywh[j], jo.get("bbox").get(j).asInt(), "bbox of frame " + i + " object " + o.objId());
        }
        assertEquals(o.objectScoreLogits(), jo.get("object_score_logits").floatValue());
        double refScore = steps.get(i).get("objects").get(k).get("object_score_logits").asDouble();
        assertEquals(refScore, o.objectScoreLogits(), 1e-3 * Math.max(1, Math.abs(refScore)));
      }
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(out.resolve("bedroom.gif").toFile())) {
      ImageReader gif = ImageIO.getImageReadersByFormatName("gif").next();
      gif.setInput(in);
      assertEquals(8, gif.getNumImages(true));
      assertEquals(640, gif.getWidth(0));
    }
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("bedroom", "bedroom.gif", "bedroom.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void everyMemorySpilledGivesTheSameMasks(@TempDir Path dir) throws IOException {
    Path spill = dir.resolve("spill");
    Files.createDirectories(spill);
    Path o = dir.resolve("o");
    CliRunner r = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        frames, "--point", "0,210,350", "--box", "0,820,250,960,540,2", "--memory-mb", "0",
        "--spill-dir", spill, "--no-overlay", "--out", o, "--quiet");
    assertEquals(0, r.exitCode, r.err);
    for (int i = 0; i < 8; i++) {
      String name = String.format("bedroom/%05d.png", i);
      assertArrayEquals(LabelMap.read(out.resolve(name)).toArray(),
          LabelMap.read(o.resolve(name)).toArray(), name);
    }
    try (Stream<Path> s = Files.list(spill)) {
      assertEquals(0, s.count(), "the spill file is removed when tracking ends");
    }
    CliRunner negative = CliRunner.run("track", "--model", model(), "--config", config(),
        "--video", frames, "--point", "0,210,350", "--memory-mb", "-1", "--out", dir.resolve("n"));
    assertEquals(Main.EXIT_BAD_INPUT, negative.exitCode);
    assertTrue(negative.err.contains("--memory-mb must not be negative"), negative.err);
  }

  @Test
  void tracksAnMp4(@TempDir Path dir) throws IOException {
    Path mp4 = dir.resolve("clip.mp4");
    try (InputStream in = TrackCommandTest.class.getResourceAsStream("/video/bedroom-x264.mp4")) {
      Files.copy(in, mp4);
    }
    Path o = dir.resolve("o");
    CliRunner r = CliRunner.run("track", "--model", model(), "--config", config(), "--video", mp4,
        "--point", "20,210,350", "--max-frames", "1", "--no-overlay", "--out", o, "--quiet");
    assertEquals(0, r.exitCode, r.err);
    try (Stream<Path> s = Files.list(o.resolve("clip"))) {
      assertEquals(List.of("00020.png", "00021.png"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(2, JSON.readTree(o.resolve("clip.json").toFile()).get("frames").size());
    assertFalse(Files.exists(o.resolve("clip.gif")));
  }

  @Test
  void badInputIsOneClearErrorAndNothingIsWritten(@TempDir Path dir) throws IOException {
    Path o = dir.resolve("o");
    CliRunner missing = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        dir.resolve("no-such-frames"), "--point", "0,10,10", "--out", o);
    assertEquals(Main.EXIT_BAD_INPUT, missing.exitCode);
    assertTrue(missing.err.contains("no-such-frames does not exist"), missing.err);

    Path notVideo = dir.resolve("notes.mp4");
    Files.writeString(notVideo, "not a video");
    CliRunner text = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        notVideo, "--point", "0,10,10", "--out", o);
    assertEquals(Main.EXIT_BAD_INPUT, text.exitCode);
    assertTrue(text.err.contains("notes.mp4 is not a video"), text.err);

    CliRunner frame = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        frames, "--point", "8,10,10", "--out", o);
    assertEquals(Main.EXIT_BAD_INPUT, frame.exitCode);
    assertTrue(frame.err.contains("frame 8, which the video does not have: it has 8 frames (0..7)"),
        frame.err);

    CliRunner outside = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        frames, "--box", "0,10,10,2000,20", "--out", o);
    assertEquals(Main.EXIT_BAD_INPUT, outside.exitCode);
    assertTrue(outside.err.contains("lies outside frame 0"), outside.err);

    CliRunner none = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        frames, "--out", o);
    assertEquals(Main.EXIT_BAD_INPUT, none.exitCode);
    assertTrue(none.err.contains("no prompt"), none.err);
    assertFalse(Files.exists(o), "no output folder after refused runs");

    // a frame that cannot be decoded half-way through: the frames before it were tracked, but
    // nothing reaches the output folder
    Path broken = dir.resolve("broken");
    Files.createDirectories(broken);
    for (int i = 0; i < 4; i++) {
      String f = String.format("%05d.jpg", i);
      Files.copy(frames.resolve(f), broken.resolve(f));
    }
    Files.write(broken.resolve("00002.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
    Files.createDirectories(o);
    Files.writeString(o.resolve("keep.txt"), "earlier");
    CliRunner half = CliRunner.run("track", "--model", model(), "--config", config(), "--video",
        broken, "--point", "0,210,350", "--out", o, "--quiet");
    assertEquals(Main.EXIT_BAD_INPUT, half.exitCode, half.err);
    assertTrue(half.err.contains("00002.jpg"), half.err);
    try (Stream<Path> s = Files.list(o)) {
      assertEquals(List.of("keep.txt"), s.map(p -> p.getFileName().toString()).toList(),
          "only what was there before");
    }
  }

  private static void paint(int[] labels, Mask m, int id) {
    byte[] bits = m.toByteArray();
    for (int p = 0; p < bits.length; p++) {
      if (bits[p] != 0) {
        labels[p] = id;
      }
    }
  }

  private static java.util.BitSet readBits(Path png) throws IOException {
    var img = ImageIO.read(png.toFile());
    java.util.BitSet b = new java.util.BitSet();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) != 0) {
          b.set(y * img.getWidth() + x);
        }
      }
    }
    return b;
  }
}
