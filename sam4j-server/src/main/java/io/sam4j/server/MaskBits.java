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

  /** The answer for masks all of one size (at least one mask). */
  static byte[] answer(ObjectNode header, List<Mask> masks) {
    Mask first = masks.get(0);
    int per = bytesPerMask(first.width(), first.height());
    header.putArray("size").add(first.height()).add(first.width());
    header.put("bytes_per_mask", per);
    byte[] json;
    try {
      json = Http.JSON.writeValueAsBytes(header);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer out = ByteBuffer.allocate(4 + json.length + per * masks.size());
    out.putInt(json.length).put(json);
    for (Mask m : masks) {
      pack(m, out.array(), out.position());
      out.position(out.position() + per);
    }
    return out.array();
  }

  static int bytesPerMask(int width, int height) {
    return (int) (((long) width * height + 7) / 8);
  }

  /** Writes a mask's bits at {@code offset}: pixel i is bit {@code 7 - i % 8} of byte i / 8. */
  static void pack(Mask m, byte[] out, int offset) {
    byte[] px = m.toByteArray();
    int full = px.length / 8;
    for (int b = 0; b < full; b++) {
      int i = b * 8;
      out[offset + b] = (byte) (px[i] << 7 | px[i + 1] << 6 | px[i + 2] << 5 | px[i + 3] << 4
          | px[i + 4] << 3 | px[i + 5] << 2 | px[i + 6] << 1 | px[i + 7]);
    }
    for (int i = full * 8; i < px.length; i++) {
      out[offset + full] |= (byte) (px[i] << (7 - i % 8));
    }
  }
}
