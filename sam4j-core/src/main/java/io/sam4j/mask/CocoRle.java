package io.sam4j.mask;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import java.util.Arrays;

/**
 * COCO's RLE formats: the compressed counts string of pycocotools' {@code rleToString} /
 * {@code rleFrString} (maskApi.c), and the JSON objects {@code {"size": [h, w], "counts": ...}}
 * that carry it or the plain counts.
 *
 * <p>The string codes each count {@code x_i} of an {@link Rle} in turn; for {@code i > 2} (not
 * {@code i >= 2}: pycocotools' quirk, kept for compatibility) it codes the difference {@code x_i -
 * x_(i-2)} instead, which may be negative. A value is written least significant first in 5-bit
 * groups, one character per group: the group, plus {@code 0x20} when more groups follow, plus 48,
 * so the characters lie in {@code '0'..'o'}. The last group's bit {@code 0x10} is the sign: the
 * encoder stops once the remaining bits are all copies of it, and the decoder extends it. For
 * example {@code 16} is {@code "`0"}, {@code -1} is {@code "O"} and {@code -17} is {@code "_O"}.
 *
 * <pre>{@code
 * String s = CocoRle.encode(Rle.encode(mask));      // e.g. "41113"
 * Rle rle = CocoRle.decode(s, mask.height(), mask.width());
 * }</pre>
 *
 * <p>Decoding validates everything and throws {@link SamException} of kind {@code BAD_INPUT} with
 * the offending position for a character outside {@code '0'..'o'}, a value cut off by the end of
 * the string, a value of more than {@value #MAX_GROUPS} characters, a negative run, or runs that do
 * not sum to {@code height * width}. It allocates no more than one long per character.
 */
public final class CocoRle {
  /** Most characters one value may take: 60 bits, far beyond any mask's pixel count. */
  public static final int MAX_GROUPS = 12;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CocoRle() {}

  /** The compressed counts string of an RLE, byte for byte what pycocotools writes. */
  public static String encode(Rle rle) {
    StringBuilder out = new StringBuilder(rle.runCount() * 2);
    for (int i = 0; i < rle.runCount(); i++) {
      long x = rle.count(i);
      if (i > 2) {
        x -= rle.count(i - 2);
      }
      boolean more = true;
      while (more) {
        int c = (int) (x & 0x1f);
        x >>= 5;
        more = (c & 0x10) != 0 ? x != -1 : x != 0;
        if (more) {
          c |= 0x20;
        }
        out.append((char) (c + 48));
      }
    }
    return out.toString();
  }

  /**
   * The RLE a compressed counts string describes.
   *
   * @param counts the string, characters {@code '0'..'o'}
   * @param height mask height (COCO's {@code size[0]})
   * @param width mask width (COCO's {@code size[1]})
   * @throws SamException BAD_INPUT if the string is malformed or does not describe {@code height *
   *     width} pixels (see the class comment)
   */
  public static Rle decode(String counts, int height, int width) {
    if (height < 0 || width < 0) {
      throw bad("size must be non-negative, got [" + height + ", " + width + "]");
    }
    long total = (long) height * width;
    long[] runs = new long[counts.length()];
    int m = 0;
    long sum = 0;
    int p = 0;
    while (p < counts.length()) {
      int start = p;
      long x = 0;
      int k = 0;
      boolean more = true;
      while (more) {
        if (p == counts.length()) {
          throw bad("the string ends inside the value that starts at character " + start);
        }
        if (k == MAX_GROUPS) {
          throw bad("the value at character " + start + " is longer than " + MAX_GROUPS
              + " characters");
        }
        char ch = counts.charAt(p);
        if (ch < '0' || ch > 'o') {
          throw bad("character " + p + " is " + describe(ch) + ", outside '0'..'o'");
        }
        int c = ch - 48;
        x |= (long) (c & 0x1f) << (5 * k);
        more = (c & 0x20) != 0;
        p++;
        k++;
        if (!more && (c & 0x10) != 0) {
          x |= -1L << (5 * k);
        }
      }
      if (m > 2) {
        x += runs[m - 2];
      }
      if (x < 0) {
        throw bad("run " + m + " (at character " + start + ") is negative: " + x);
      }
      if (x > total - sum) {
        throw bad("run " + m + " (at character " + start + ") of " + x + " takes the runs past"
            + " height * width = " + total);
      }
      sum += x;
      runs[m++] = x;
    }
    if (sum != total) {
      throw bad("the runs sum to " + sum + ", not height * width = " + height + " * " + width
          + " = " + total);
    }
    return Rle.ofChecked(height, width, Arrays.copyOf(runs, m));
  }

  /**
   * The COCO JSON object of an RLE: {@code {"size": [h, w], "counts": "..."}} when {@code
   * compressed}, else {@code {"size": [h, w], "counts": [c0, c1, ...]}} (segment-anything's
   * "uncompressed_rle" output form).
   */
  public static ObjectNode toJson(Rle rle, boolean compressed) {
    ObjectNode node = NODES.objectNode();
    node.putArray("size").add(rle.height()).add(rle.width());
    if (compressed) {
      node.put("counts", encode(rle));
    } else {
      ArrayNode counts = node.putArray("counts");
      for (int i = 0; i < rle.runCount(); i++) {
        counts.add(rle.count(i));
      }
    }
    return node;
  }

  /**
   * The RLE of a COCO JSON object {@code {"size": [h, w], "counts": ...}} whose counts are either a
   * compressed string or an array of non-negative integers.
   *
   * @throws SamException BAD_INPUT if the object does not have that form or its counts are invalid
   */
  public static Rle fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw bad("an RLE must be a JSON object with \"size\" and \"counts\"");
    }
    JsonNode size = node.get("size");
    if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt()
        || !size.get(1).canConvertToInt() || !size.get(0).isIntegralNumber()
        || !size.get(1).isIntegralNumber()) {
      throw bad("\"size\" must be [height, width] as two integers, got " + size);
    }
    int height = size.get(0).intValue();
    int width = size.get(1).intValue();
    JsonNode counts = node.get("counts");
    if (counts != null && counts.isTextual()) {
      return decode(counts.textValue(), height, width);
    }
    if (counts == null || !counts.isArray()) {
      throw bad("\"counts\" must be a string or an array of integers, got " + counts);
    }
    long[] runs = new long[counts.size()];
    for (int i = 0; i < runs.length; i++) {
      JsonNode c = counts.get(i);
      if (!c.isIntegralNumber() || !c.canConvertToLong()) {
        throw bad("count " + i + " is not an integer: " + c);
      }
      runs[i] = c.longValue();
    }
    try {
      return Rle.of(height, width, runs);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private static String describe(char ch) {
    return ch >= 0x20 && ch < 0x7f ? "'" + ch + "'" : String.format("U+%04X", (int) ch);
  }

  private static SamException bad(String message) {
    return new SamException(SamException.Kind.BAD_INPUT, "COCO RLE: " + message);
  }
}
