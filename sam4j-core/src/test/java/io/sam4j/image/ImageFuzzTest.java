package io.sam4j.image;

import static io.sam4j.fixtures.FuzzContract.refusesOnlyWithSamException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for image decoding (format detection, size limit, ImageIO, EXIF orientation, the
 * conversion to RGB): any bytes decode or are refused with a SamException. Seeds and past crashes
 * are in {@code src/test/resources/io/sam4j/image/ImageFuzzTestInputs/decode}.
 */
class ImageFuzzTest {
  /** Small enough that every accepted input decodes quickly. */
  private static final long MAX_PIXELS = 1 << 20;

  @FuzzTest
  void decode(byte[] data) {
    refusesOnlyWithSamException(() -> {
      RgbImage img = Images.decode(data, "fuzz", MAX_PIXELS);
      if ((long) img.width() * img.height() > MAX_PIXELS) {
        throw new AssertionError("decoded " + img.width() + "x" + img.height() + " over the limit");
      }
    });
  }
}
