package io.sam4j.video.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.eval.davis.LabelMap;
import io.sam4j.image.RgbImage;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.result.Mask;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackOutputTest {
  private static final int W = 700;
  private static final int H = 300;

  /** A rectangle mask [x0, x1) x [y0, y1). */
  private static Mask rect(int x0, int y0, int x1, int y1) {
    byte[] b = new byte[W * H];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        b[y * W + x] = 1;
      }
    }
    return Mask.fromBytes(b, W, H);
  }

  private static ObjectResult obj(int id, Mask m, float score) {
    return new ObjectResult(id, new float[16], m, score);
  }

  private static RgbImage grey() {
    byte[] px = new byte[W * H * 3];
    java.util.Arrays.fill(px, (byte) 90);
    return RgbImage.of(W, H, px);
  }

  private static List<FrameResult> frames() {
    return List.of(
        new FrameResult(0, List.of(obj(3, rect(10, 10, 60, 40), 4.5f), obj(1, rect(50, 30, 120, 90), 2.25f))),
        new FrameResult(1, List.of(obj(3, rect(12, 10, 62, 40), -1.5f), obj(1, rect(0, 0, 0, 0), -8f))),
        new FrameResult(2, List.of(obj(3, rect(600, 250, 700, 300), 3f),
            new ObjectResult(1, null, null, Float.NaN))));
  }

  @Test
  void writesPaletteMasksJsonAndGifThatReadBack(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("out");
    try (TrackOutput out = TrackOutput.create(dir, "bedroom", "frames/", W, H, 3, 10, true)) {
      for (FrameResult f : frames()) {
        out.write(f, String.format("%05d", f.frameIdx()), grey());
      }
      out.commit();
    }
    // masks: the DAVIS reader gives the object ids back, the smaller id where objects overlap
    for (FrameResult f : frames()) {
      Path png = dir.resolve("bedroom").resolve(String.format("%05d.png", f.frameIdx()));
      LabelMap labels = LabelMap.read(png);
      int[] expected = new int[W * H];
      for (int id : new int[] {3, 1}) {
        for (ObjectResult o : f.objects()) {
          if (o.objId() == id && o.mask() != null) {
            byte[] bits = o.mask().toByteArray();
            for (int p = 0; p < bits.length; p++) {
              if (bits[p] != 0) {
                expected[p] = id;
              }
            }
          }
        }
      }
      assertArrayEquals(expected, labels.toArray(), "labels of " + png);
      IndexColorModel cm = (IndexColorModel) ImageIO.read(png.toFile()).getColorModel();
      // DAVIS_PALETTE of SAM 2's tools/vos_inference.py: 0 black, 1 (128,0,0), 2 (0,128,0),
      // 3 (128,128,0), 8 (64,0,0), 255 (224,224,192)
      int[][] davis = {{0, 0, 0, 0}, {1, 128, 0, 0}, {2, 0, 128, 0}, {3, 128, 128, 0}, {8, 64, 0, 0},
          {255, 224, 224, 192}};
      for (int[] d : davis) {
        assertEquals(d[1], cm.getRed(d[0]), "red of " + d[0]);
        assertEquals(d[2], cm.getGreen(d[0]), "green of " + d[0]);
        assertEquals(d[3], cm.getBlue(d[0]), "blue of " + d[0]);
      }
    }
    assertEquals(1, LabelMap.read(dir.resolve("bedroom/00000.png")).get(55, 35),
        "the overlap of objects 1 and 3 goes to 1");
    // JSON: RLE decodes to the masks, areas and boxes as pycocotools computes them
    JsonNode root = new ObjectMapper().readTree(dir.resolve("bedroom.json").toFile());
    assertEquals(W, root.at("/video/width").asInt());
    assertEquals(3, root.get("frames").size());
    for (int i = 0; i < 3; i++) {
      FrameResult f = frames().get(i);
      JsonNode jf = root.get("frames").get(i);
      assertEquals(f.frameIdx(), jf.get("frame_idx").asInt());
      assertEquals(String.format("%05d", i), jf.get("name").asText());
      List<ObjectResult> present = f.objects().stream().filter(ObjectResult::hasOutput).toList();
      assertEquals(present.size(), jf.get("objects").size());
      for (int k = 0; k < present.size(); k++) {
        ObjectResult o = present.get(k);
        JsonNode jo = jf.get("objects").get(k);
        assertEquals(o.objId(), jo.get("obj_id").asInt());
        Rle rle = CocoRle.decode(jo.at("/segmentation/counts").asText(), H, W);
        assertEquals(o.mask(), rle.toMask());
        assertEquals(o.mask().area(), jo.get("area").asLong());
        int[] b = o.mask().bounds();
        int[] xywh = b == null ? new int[4] : new int[] {b[0], b[1], b[2] - b[0] + 1, b[3] - b[1] + 1};
        for (int j = 0; j < 4; j++) {
          assertEquals(xywh[j], jo.get("bbox").get(j).asInt());
        }
        assertEquals(o.objectScoreLogits(), jo.get("object_score_logits").floatValue());
      }
    }
    // GIF: one frame per tracked frame, scaled so the longer side is 640
    try (ImageInputStream in = ImageIO.createImageInputStream(dir.resolve("bedroom.gif").toFile())) {
      ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
      r.setInput(in);
      assertEquals(3, r.getNumImages(true));
      assertEquals(640, r.getWidth(0));
      assertEquals(274, r.getHeight(0));
      int tinted = r.read(0).getRGB(30 * 640 / 700, 20 * 640 / 700);
      assertTrue(tinted != r.read(0).getRGB(300, 200), "object 3 is tinted over the grey frame");
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of("bedroom", "bedroom.gif", "bedroom.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList(), "no staging folder left");
    }
  }

  @Test
  void nothingIsWrittenWithoutACommit(@TempDir Path tmp) throws IOException {
    Path fresh = tmp.resolve("fresh");
    try (TrackOutput out = TrackOutput.create(fresh, "v", "x", W, H, 3, 10, true)) {
      out.write(frames().get(0), "00000", grey());
      // an error before commit
    }
    assertFalse(Files.exists(fresh), "a folder the run created is removed again");

    Path earlier = tmp.resolve("earlier");
    try (TrackOutput out = TrackOutput.create(earlier, "v", "x", W, H, 3, 10, false)) {
      out.write(frames().get(0), "00000", null);
      out.commit();
    }
    byte[] before = Files.readAllBytes(earlier.resolve("v/00000.png"));
    SamException e = assertThrows(SamException.class, () -> {
      try (TrackOutput out = TrackOutput.create(earlier, "v", "x", W, H, 3, 10, false)) {
        out.write(frames().get(1), "00001", null);
        out.write(new FrameResult(2, List.of(obj(300, rect(0, 0, 5, 5), 1f))), "00002", null);
        out.commit();
      }
    });
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("object id 300"), e.getMessage());
    try (Stream<Path> s = Files.list(earlier)) {
      assertEquals(List.of("v", "v.json"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertArrayEquals(before, Files.readAllBytes(earlier.resolve("v/00000.png")));
    assertFalse(Files.exists(earlier.resolve("v/00001.png")), "the failed run's frames are not there");

    // a second committed run replaces the first one's output
    try (TrackOutput out = TrackOutput.create(earlier, "v", "x", W, H, 3, 10, false)) {
      out.write(frames().get(1), "00001", null);
      out.commit();
    }
    try (Stream<Path> s = Files.list(earlier.resolve("v"))) {
      assertEquals(List.of("00001.png"), s.map(p -> p.getFileName().toString()).toList());
    }
  }
}
