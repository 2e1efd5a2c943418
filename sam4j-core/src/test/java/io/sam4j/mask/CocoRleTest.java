package io.sam4j.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.result.Mask;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * COCO compressed RLE strings. Each expected string was derived by hand from rleToString (the
 * derivation is in the comment next to it) and then confirmed with pycocotools 2.0.11: {@code
 * mask.encode} of the mask, or {@code mask.frPyObjects({"size": [h, w], "counts": [...]}, h, w)}
 * for counts given directly.
 */
class CocoRleTest {
  private static String encode(int h, int w, long... counts) {
    return CocoRle.encode(Rle.of(h, w, counts));
  }

  @Test
  void smallCountsAreOneCharacterEach() {
    // 1 -> '1' (48 + 1), 3 -> '3'
    assertEquals("13", encode(2, 2, 1, 3));
    // [4, 1, 1, 2, 4]: index 3 codes 2 - 1 = 1, index 4 codes 4 - 1 = 3
    assertEquals("41113", encode(3, 4, 4, 1, 1, 2, 4));
    assertEquals("06", encode(2, 3, 0, 6));
    assertEquals("6", encode(2, 3, 6));
    assertEquals("0", encode(0, 0, 0));
    assertEquals("", encode(0, 0));
  }

  @Test
  void indexTwoIsNotDeltaCoded() {
    // pycocotools codes x_i - x_(i-2) only for i > 2: [3, 4, 5] is "345", not "342"
    assertEquals("345", encode(12, 1, 3, 4, 5));
  }

  @Test
  void negativeDeltasAndContinuationGroups() {
    // index 3: 1 - 2 = -1 -> group 0x1f, sign set and rest all ones -> 48 + 31 = 'O'
    assertEquals("523O1", encode(15, 1, 5, 2, 3, 1, 4));
    // 16 -> group 0x10 has the sign bit but the rest is 0, so it continues: 0x30 + 48 = '`',
    // then 0 -> '0'
    assertEquals("`0", encode(16, 1, 16));
    // 20 -> 0x14 | 0x20 -> 'd', then '0'; index 3: 3 - 20 = -17 -> low group 15 | 0x20 -> '_',
    // then the sign group 0x1f -> 'O'
    assertEquals("0d01_O", encode(24, 1, 0, 20, 1, 3));
    // 17 -> 'a0'; 40 = 8 + 1 * 32 -> (8 | 0x20) 'X', '1'; 3 -> '3'; 20 - 40 = -20 -> low group
    // 12 | 0x20 -> '\', sign group 'O'; 20 - 3 = 17 -> 'a0'
    assertEquals("a0X13\\Oa0", encode(10, 10, 17, 40, 3, 20, 20));
    // 999999 = 0b11110_10000_10001_11111 -> 'o' 'a' '`', then 30 has bit 0x10 so one more
    // group: 'n' '0'; then 1 -> '1'
    assertEquals("oa`n01", encode(1000, 1000, 999_999, 1));
  }

  @Test
  void encodesMasksAsPycocotools() {
    assertEquals("a0X13\\Oa0", CocoRle.encode(Rle.encode(RleTest.tenByTen(), 10, 10)));
    Mask m = TestMasks.mask(new int[][] {{0, 0, 1, 0}, {0, 1, 1, 0}, {0, 0, 0, 0}});
    assertEquals("41113", CocoRle.encode(Rle.encode(m)));
    assertEquals(m, CocoRle.decode("41113", 3, 4).toMask());
  }

  @Test
  void decodesTheHandCheckedStrings() {
    assertArrayEquals(new long[] {17, 40, 3, 20, 20}, CocoRle.decode("a0X13\\Oa0", 10, 10).counts());
    assertArrayEquals(new long[] {0, 20, 1, 3}, CocoRle.decode("0d01_O", 24, 1).counts());
    assertArrayEquals(new long[] {999_999, 1}, CocoRle.decode("oa`n01", 1000, 1000).counts());
    assertArrayEquals(new long[] {3, 4, 5}, CocoRle.decode("345", 12, 1).counts());
    assertArrayEquals(new long[0], CocoRle.decode("", 0, 5).counts());
    // redundant groups are read as pycocotools reads them: '0' with continuation (0x20 + 48 =
    // 'P') then '1' is 0 + 1 * 32 = 32 (pycocotools decodes "P11" of size [33, 1] to 32 zeros and
    // a one)
    assertArrayEquals(new long[] {32, 1}, CocoRle.decode("P11", 33, 1).counts());
  }

  @Test
  void countsBeyondIntRange() {
    // a 60000 x 60000 mask (3.6e9 pixels, more than an int) with only its last pixel set:
    // 3599999999 in 5-bit groups, least significant first, is 31 31 8 7 9 11 3 -> 'o' 'o' 'X' 'W'
    // 'Y' '[' with the continuation bit, then '3' (3 has no sign bit, so it ends the value)
    Rle rle = Rle.of(60000, 60000, new long[] {3_599_999_999L, 1});
    assertEquals("ooXWY[31", CocoRle.encode(rle));
    assertEquals(rle, CocoRle.decode("ooXWY[31", 60000, 60000));
    assertArrayEquals(new int[] {59999, 59999, 1, 1}, rle.bbox());
  }

  @Test
  void roundTripsRandomCounts() {
    Random random = new Random(11);
    for (int t = 0; t < 300; t++) {
      int n = 1 + random.nextInt(12);
      long[] counts = new long[n];
      long sum = 0;
      for (int i = 0; i < n; i++) {
        counts[i] = (i == 0 ? 0 : 1) + random.nextInt(1 << random.nextInt(27));
        sum += counts[i];
      }
      // a one-column mask of sum rows holds any counts
      Rle rle = Rle.of((int) sum, 1, counts);
      assertEquals(rle, CocoRle.decode(CocoRle.encode(rle), (int) sum, 1));
    }
  }

  private static String error(String counts, int h, int w) {
    SamException e = assertThrows(SamException.class, () -> CocoRle.decode(counts, h, w));
    assertEquals(SamException.Kind.BAD_INPUT, e.kind());
    return e.getMessage();
  }

  @Test
  void refusesMalformedStrings() {
    String space = error("1 3", 2, 2);
    assertTrue(space.contains("character 1 is ' '"), space);
    assertTrue(error("1p", 2, 2).contains("'p'"));
    assertTrue(error("1\u00e9", 2, 2).contains("U+00E9"));
    // 'a' = 49 has the continuation bit: the value never ends
    String cut = error("1a", 2, 2);
    assertTrue(cut.contains("ends inside the value that starts at character 1"), cut);
    String overlong = error("o".repeat(13) + "0", 2, 2);
    assertTrue(overlong.contains("longer than 12"), overlong);
    assertTrue(error("o".repeat(1_000_000), 2, 2).contains("longer than 12"));
    // 'O' is -1
    String negative = error("O5", 2, 2);
    assertTrue(negative.contains("run 0 (at character 0) is negative: -1"), negative);
    // index 3: 2 + delta 'M' (29 | sign -> -3) = -1
    assertTrue(error("523M", 10, 1).contains("run 3 (at character 3) is negative: -1"));
    String sum = error("13", 3, 3);
    assertTrue(sum.contains("sum to 4") && sum.contains("3 * 3 = 9"), sum);
    String past = error("oa`n0", 2, 2);
    assertTrue(past.contains("of 999999 takes the runs past height * width = 4"), past);
    assertTrue(error("0", -1, 2).contains("non-negative"));
  }

  @Test
  void jsonFormsRoundTrip() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Rle rle = Rle.of(3, 4, new long[] {4, 1, 1, 2, 4});
    assertEquals("{\"size\":[3,4],\"counts\":\"41113\"}", CocoRle.toJson(rle, true).toString());
    assertEquals("{\"size\":[3,4],\"counts\":[4,1,1,2,4]}",
        CocoRle.toJson(rle, false).toString());
    assertEquals(rle, CocoRle.fromJson(json.readTree("{\"size\":[3,4],\"counts\":\"41113\"}")));
    assertEquals(rle, CocoRle.fromJson(json.readTree("{\"counts\":[4,1,1,2,4],\"size\":[3,4]}")));
  }

  @Test
  void refusesMalformedJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String[] bad = {
      "[]", "{\"counts\":\"13\"}", "{\"size\":[2],\"counts\":\"13\"}",
      "{\"size\":[2,2.5],\"counts\":\"13\"}", "{\"size\":[2,2],\"counts\":{}}",
      "{\"size\":[2,2],\"counts\":[1,\"3\"]}", "{\"size\":[2,2],\"counts\":[1,2]}",
      "{\"size\":[2,2],\"counts\":[5,-1]}", "{\"size\":[2,2],\"counts\":\"1 3\"}"
    };
    for (String s : bad) {
      SamException e = assertThrows(SamException.class, () -> CocoRle.fromJson(json.readTree(s)),
          s);
      assertEquals(SamException.Kind.BAD_INPUT, e.kind(), s);
    }
  }
}
