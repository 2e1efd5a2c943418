package io.sam4j.modeling.sam3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.transform.PilResize;
import io.sam4j.transform.Sam3Preprocessor;
import io.sam4j.transform.TorchUint8Resize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SAM 3's input: torch's native uint8 antialiased resize of {@code .decoded.png} gives
 * {@code .resized.png} byte for byte (Pillow's bilinear does not: the manifest counts its
 * differences, and so does this test), and the normalisation gives {@code input_tensor} bit for bit.
 */
class Sam3PreprocessingTest {
  @ParameterizedTest
  @ValueSource(strings = {"dog", "picture1"})
  void uint8ResizeOfTheDecodedPhotoIsTheNetworkInput(String image) {
    RgbImage decoded = Images.read(Sam3Fixtures.file(image, image + ".decoded.png"));
    byte[] want = Images.read(Sam3Fixtures.file(image, image + ".resized.png")).toByteArray();
    byte[] ours = TorchUint8Resize.resize(decoded, 336, 336).toByteArray();
    assertEquals(differing(want, ours), 0, image + ": values off the reference's resize");
    assertArrayEquals(want, ours);
    // Pillow's bilinear differs from the reference as the manifest says (so this test can tell)
    JsonNode pil = Sam3Fixtures.image(image).get("preprocessing").get("vs_pil_bilinear");
    byte[] pillow = PilResize.resize(decoded, 336, 336).toByteArray();
    assertEquals(pil.get("differ").asInt(), differing(want, pillow), image + " vs Pillow");
  }

  @Test
  void normalisedResizedPngIsTheInputTensorBitForBit() {
    RgbImage resized = Images.read(Sam3Fixtures.file("dog", "dog.resized.png"));
    float[] ours = Sam3Preprocessor.preprocess(resized, 336);
    float[] ref = Sam3Fixtures.npy(Sam3Fixtures.file("dog", "input_tensor.npy.gz")).toFloatArray();
    assertArrayEquals(ref, ours);
  }

  @Test
  void upscalingUsesPlainBilinearWeights() {
    // 2 -> 4 pixels: taps at 1/4 and 3/4, int16 weights, rounded per pass
    byte[] rgb = {0, 0, 0, (byte) 200, (byte) 200, (byte) 200};
    RgbImage out = TorchUint8Resize.resize(RgbImage.of(2, 1, rgb), 4, 1);
    byte[] b = out.toByteArray();
    assertEquals(0, b[0] & 0xff);
    assertEquals(50, b[3] & 0xff);
    assertEquals(150, b[6] & 0xff);
    assertEquals(200, b[9] & 0xff);
    assertTrue(TorchUint8Resize.resize(RgbImage.of(2, 1, rgb), 2, 1).toByteArray()[3] == (byte) 200);
  }

  private static int differing(byte[] a, byte[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        n++;
      }
    }
    return n;
  }
}
