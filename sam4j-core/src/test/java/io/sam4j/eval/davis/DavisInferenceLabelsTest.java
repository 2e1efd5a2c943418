package io.sam4j.eval.davis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.result.Mask;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pieces of {@link DavisInference} that need no model: the non-overlapping label rule of the
 * reference ({@code _apply_non_overlapping_constraints}, then {@code > 0}) and the DAVIS palette
 * PNG (as {@code tools/vos_inference.py}'s {@code DAVIS_PALETTE}).
 */
class DavisInferenceLabelsTest {
  @TempDir Path dir;

  @Test
  void highestLogitWinsFirstObjectOnTiesNothingAtOrBelowZero() {
    Mask any = Mask.fromWords(new long[1], 2, 2);
    // 2x2 low-res logits at the video's size (bilinear at scale 1 is the identity)
    FrameResult r = new FrameResult(3, List.of(
        new ObjectResult(1, new float[] {3, -1, -1, 5}, any, 1f),
        new ObjectResult(2, new float[] {2, -2, 4, 5}, any, 1f),
        new ObjectResult(7, null, any, Float.NaN)));
    assertArrayEquals(new int[] {1, 0, 2, 1}, DavisInference.labels(r, 2, 2).toArray());
    FrameResult zero = new FrameResult(0, List.of(
        new ObjectResult(4, new float[] {0, 0.5f, -0f, 1e-7f}, any, 1f)));
    assertArrayEquals(new int[] {0, 4, 0, 4}, DavisInference.labels(zero, 2, 2).toArray());
  }

  @Test
  void palettePngHoldsTheIdsAndTheDavisColours() throws Exception {
    byte[] p = LabelPng.davisPalette();
    int[][] expected = {{0, 0, 0}, {128, 0, 0}, {0, 128, 0}, {128, 128, 0}, {0, 0, 128},
        {128, 0, 128}, {0, 128, 128}, {128, 128, 128}, {64, 0, 0}, {192, 0, 0}};
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], new int[] {p[3 * i] & 255, p[3 * i + 1] & 255,
          p[3 * i + 2] & 255}, "colour " + i);
    }
    assertArrayEquals(new int[] {224, 224, 192}, new int[] {p[765] & 255, p[766] & 255,
        p[767] & 255}, "colour 255");
    int[] ids = {0, 1, 2, 255, 3, 0};
    Path png = dir.resolve("sub/00000.png");
    LabelPng.write(png, LabelMap.of(3, 2, ids), p);
    assertArrayEquals(ids, LabelMap.read(png).toArray());
    IndexColorModel cm = (IndexColorModel) ImageIO.read(png.toFile()).getColorModel();
    assertEquals(256, cm.getMapSize());
    assertEquals(0xffc00000, cm.getRGB(9));
  }
}
