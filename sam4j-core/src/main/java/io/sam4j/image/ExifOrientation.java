package io.sam4j.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds the EXIF orientation tag (0x0112) of a JPEG (APP1 segment) or PNG ({@code eXIf} chunk) and
 * applies it the way OpenCV's {@code imread} does. Malformed metadata is ignored, never fatal.
 */
final class ExifOrientation {
  private ExifOrientation() {}

  /** The orientation (1..8) stored in the file, or 1 when there is none. */
  static int read(byte[] file) {
    try {
      if (file.length > 4 && (file[0] & 0xff) == 0xFF && (file[1] & 0xff) == 0xD8) {
        return fromJpeg(file);
      }
      if (file.length > 8 && (file[0] & 0xff) == 0x89 && file[1] == 'P' && file[2] == 'N') {
        return fromPng(file);
      }
    } catch (RuntimeException e) {
      return 1;
    }
    return 1;
  }

  private static int fromJpeg(byte[] f) {
    int p = 2;
    while (p + 4 <= f.length) {
      if ((f[p] & 0xff) != 0xFF) {
        return 1;
      }
      int marker = f[p + 1] & 0xff;
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        p += 2;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return 1;
      }
      int len = ((f[p + 2] & 0xff) << 8) | (f[p + 3] & 0xff);
      if (len < 2 || p + 2 + len > f.length) {
        return 1;
      }
      if (marker == 0xE1 && len >= 8 && new String(f, p + 4, 4, StandardCharsets.ISO_8859_1)
          .equals("Exif") && f[p + 8] == 0 && f[p + 9] == 0) {
        return fromTiff(f, p + 10, p + 2 + len);
      }
      p += 2 + len;
    }
    return 1;
  }

  private static int fromPng(byte[] f) {
    int p = 8;
    while (p + 12 <= f.length) {
      long len = ByteBuffer.wrap(f, p, 4).getInt() & 0xffffffffL;
      String type = new String(f, p + 4, 4, StandardCharsets.ISO_8859_1);
      if (p + 12 + len > f.length) {
        return 1;
      }
      if (type.equals("eXIf")) {
        return fromTiff(f, p + 8, (int) (p + 8 + len));
      }
      if (type.equals("IDAT") || type.equals("IEND")) {
        return 1;
      }
      p += 12 + (int) len;
    }
    return 1;
  }

  private static int fromTiff(byte[] f, int start, int end) {
    if (start + 8 > end) {
      return 1;
    }
    ByteBuffer b = ByteBuffer.wrap(f, 0, end);
    if (f[start] == 'I' && f[start + 1] == 'I') {
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else if (f[start] == 'M' && f[start + 1] == 'M') {
      b.order(ByteOrder.BIG_ENDIAN);
    } else {
      return 1;
    }
    long ifd = b.getInt(start + 4) & 0xffffffffL;
    if (ifd < 8 || start + ifd + 2 > end) {
      return 1;
    }
    int p = (int) (start + ifd);
    int count = b.getShort(p) & 0xffff;
    for (int i = 0; i < count; i++) {
      int e = p + 2 + i * 12;
      if (e + 12 > end) {
        return 1;
      }
      if ((b.getShort(e) & 0xffff) == 0x0112) {
        int v = b.getShort(e + 8) & 0xffff;
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
    return 1;
  }

  /** Applies an orientation as OpenCV's {@code ExifTransform} does (flips and transposes). */
  static RgbImage apply(RgbImage img, int orientation) {
    switch (orientation) {
      case 2: return flip(img, true, false);
      case 3: return flip(img, true, true);
      case 4: return flip(img, false, true);
      case 5: return transpose(img);
      case 6: return flip(transpose(img), true, false);
      case 7: return flip(transpose(img), true, true);
      case 8: return flip(transpose(img), false, true);
      default: return img;
    }
  }

  private static RgbImage flip(RgbImage img, boolean horizontal, boolean vertical) {
    int w = img.width();
    int h = img.height();
    return remap(img, w, h, (x, y) -> (vertical ? h - 1 - y : y) * w + (horizontal ? w - 1 - x : x));
  }

  private static RgbImage transpose(RgbImage img) {
    int w = img.width();
    return remap(img, img.height(), w, (x, y) -> x * w + y);
  }

  /** Source pixel index (row-major) of output pixel (x, y). */
  private interface PixelMap {
    int source(int x, int y);
  }

  private static RgbImage remap(RgbImage img, int outW, int outH, PixelMap map) {
    ByteBuffer src = img.pixels();
    byte[] out = new byte[outW * outH * 3];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int s = map.source(x, y) * 3;
        int d = (y * outW + x) * 3;
        out[d] = src.get(s);
        out[d + 1] = src.get(s + 1);
        out[d + 2] = src.get(s + 2);
      }
    }
    return RgbImage.wrap(outW, outH, out);
  }
}
