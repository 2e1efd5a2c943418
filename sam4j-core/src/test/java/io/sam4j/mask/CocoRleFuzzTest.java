package io.sam4j.mask;

import static io.sam4j.fixtures.FuzzContract.refusesOnlyWithSamException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target for the COCO compressed RLE decoder: the first two bytes give the mask size (up to
 * 255 x 255), the rest is the counts string. Any string decodes into an RLE that re-encodes to a
 * string decoding to the same RLE, or is refused with a SamException. Seeds and past crashes are
 * in {@code src/test/resources/io/sam4j/mask/CocoRleFuzzTestInputs/decode}.
 */
class CocoRleFuzzTest {
  @FuzzTest
  void decode(byte[] data) {
    if (data.length < 2) {
      return;
    }
    int h = data[0] & 0xff;
    int w = data[1] & 0xff;
    String counts = new String(data, 2, data.length - 2, StandardCharsets.ISO_8859_1);
    refusesOnlyWithSamException(() -> {
      Rle rle = CocoRle.decode(counts, h, w);
      Rle again = CocoRle.decode(CocoRle.encode(rle), h, w);
      if (!Arrays.equals(rle.counts(), again.counts())) {
        throw new AssertionError("re-encoding changed the RLE of '" + counts + "'");
      }
      if (rle.toMask().area() != rle.area()) {
        throw new AssertionError("the decoded mask's area differs from the RLE's");
      }
    });
  }
}
