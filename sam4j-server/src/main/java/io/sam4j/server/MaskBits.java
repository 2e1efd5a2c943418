package io.sam4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.result.Mask;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The binary predict answer ({@code "format": "bits"}, docs/API.md): a 4-byte big-endian length
 * N, N bytes of UTF-8 JSON (the JSON answer without the masks' {@code rle}, plus {@code "size":
 * [h, w]} and {@code "bytes_per_mask"}), then every mask bit-packed, row-major, the most
 * significant bit first ({@code numpy.packbits}' order), each padded to a whole byte, in the
 * order of the JSON's masks. The page draws these without decoding any RLE.
 */
final class MaskBits {
  static final String TYPE = "application/x-sam4j-masks";

  private MaskBits() {}

  /**
   * The answer for masks all of one size (at least one mask), one per node of {@code meta} (the
   * JSON answer's masks, given {@code area} and {@code bbox} here, as the RLE would give them).
   */
  static byte[] answer(ObjectNode header, List<ObjectNode> meta, List<Mask> masks) {
    Mask first = masks.get(0);
    int per = bytesPerMask(first.width(), first.height());
    byte[] packed = new byte[per * masks.size()];
    for (int i = 0; i < masks.size(); i++) {
      int[] box = pack(masks.get(i), packed, i * per);
      meta.get(i).put("area", masks.get(i).area());
      meta.get(i).putArray("bbox").add(box[0]).add(box[1]).add(box[2]).add(box[3]);
    }
    header.putArray("size").add(first.height()).add(first.width());
    header.put("bytes_per_mask", per);
    byte[] json;
    try {
      json = Http.JSON.writeValueAsBytes(header);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return ByteBuffer.allocate(4 + json.length + packed.length).putInt(json.length).put(json)
        .put(packed).array();
  }

  static int bytesPerMask(int width, int height) {
    return (int) (((long) width * height + 7) / 8);
  }

  /**
   * Writes a mask's bits at {@code offset} (pixel i is bit {@code 7 - i % 8} of byte i / 8) and
   * returns its COCO box {x, y, w, h} as pycocotools' {@code toBbox} gives it ({@code
   * Rle.bbox}): the tight box (a run of ones wrapping from a column's bottom to the next column's
   * top makes that box span every row, but such a mask has pixels in the first and last rows
   * anyway); {0, 0, 0, 0} when empty.
   */
  static int[] pack(Mask m, byte[] out, int offset) {
    byte[] px = m.toByteArray();
    int w = m.width();
    int h = m.height();
    int full = px.length / 8;
    for (int b = 0; b < full; b++) {
      int i = b * 8;
      out[offset + b] = (byte) (px[i] << 7 | px[i + 1] << 6 | px[i + 2] << 5 | px[i + 3] << 4
          | px[i + 4] << 3 | px[i + 5] << 2 | px[i + 6] << 1 | px[i + 7]);
    }
    for (int i = full * 8; i < px.length; i++) {
      out[offset + full] |= (byte) (px[i] << (7 - i % 8));
    }
    if (m.area() == 0) {
      return new int[4];
    }
    int x0 = w;
    int x1 = -1;
    int y0 = -1;
    int y1 = -1;
    for (int y = 0; y < h; y++) {
      int row = y * w;
      int first = -1;
      for (int x = 0; x < w; x++) {
        if (px[row + x] != 0) {
          first = x;
          break;
        }
      }
      if (first < 0) {
        continue;
      }
      int last = w - 1;
      while (px[row + last] == 0) {
        last--;
      }
      x0 = Math.min(x0, first);
      x1 = Math.max(x1, last);
      y0 = y0 < 0 ? y : y0;
      y1 = y;
    }
    return new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  }
}
