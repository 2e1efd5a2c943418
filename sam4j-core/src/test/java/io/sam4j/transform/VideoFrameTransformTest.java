package io.sam4j.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Video frames against the reference's own network input: Pillow's bicubic resize of the decoded
 * JPEG, then ImageNet normalisation (EfficientTAM's whole 512 input, SAM 2.1's 24 stored rows of
 * its 1024 input, both of the 960x540 bedroom frame 0).
 */
class VideoFrameTransformTest {
  private static RgbImage frame0() {
    return Images.read(Fixtures.root().resolve("video/bedroom/00000.jpg"));
  }

  @Test
  void efficientTamFrameZeroIsTheReferenceInput() {
    Tensor ref = Npy.read(Fixtures.root().resolve("efficienttam_fixture/video_bedroom/frame0_input.npy"));
    float[] expected = ref.toFloatArray();
    float[] ours = VideoFrameTransform.toInput(frame0(), 512);
    assertEquals(expected.length, ours.length);
    assertClose(expected, ours, 0, expected.length);
  }

  @Test
  void sam21FrameZeroRowsAreTheReferenceInput() {
    Path dir = Fixtures.root().resolve("sam2.1_hiera_fixture/video_bedroom");
    float[] rows = Npy.read(dir.resolve("frame0_input_rows.npy")).toFloatArray();
    int[] index = {0, 1, 2, 3, 4, 5, 6, 7, 508, 509, 510, 511, 512, 513, 514, 515,
        1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023};
    float[] ours = VideoFrameTransform.toInput(frame0(), 1024);
    float[] picked = new float[rows.length];
    for (int c = 0; c < 3; c++) {
      for (int r = 0; r < index.length; r++) {
        System.arraycopy(ours, (c * 1024 + index[r]) * 1024, picked, (c * index.length + r) * 1024,
            1024);
      }
    }
    assertClose(rows, picked, 0, rows.length);
  }

  /** Equal within float32 rounding: identical bytes give identical floats. */
  private static void assertClose(float[] expected, float[] ours, int from, int to) {
    int off = 0;
    double maxDiff = 0;
    for (int i = from; i < to; i++) {
      double d = Math.abs(expected[i] - ours[i]);
      maxDiff = Math.max(maxDiff, d);
      if (d > 1e-5) {
        off++;
      }
    }
    assertTrue(off == 0, off + " of " + (to - from) + " values differ (max " + maxDiff + ")");
  }
}
