package io.sam4j.image;

import static io.sam4j.SamException.Kind.BAD_IMAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Refusal;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decompression bombs and damaged images: refused before any pixel is decoded, with a message
 * naming the problem, allocating nothing in proportion to the claimed size and writing no file
 * ({@link Refusal#assertRefused}). Each test's name says the threat it covers.
 */
class HostileImageTest {
  @TempDir Path dir;

  /** Threat: a 1 KB PNG whose header claims 100,000 x 100,000 pixels (30 GB of RGB). */
  @Test
  void pngDecompressionBomb() throws IOException {
    Path f = Files.write(dir.resolve("bomb.png"), png(100_000, 100_000));
    Refusal.assertRefused(dir, BAD_IMAGE,
        "claims 100000x100000 pixels, over the limit of 200000000 pixels", () -> Images.read(f));
  }

  /** Threat: the same bomb when the caller lifted the limit: what Java can hold still bounds it. */
  @Test
  void pngDecompressionBombWithoutALimit() throws IOException {
    Path f = Files.write(dir.resolve("bomb.png"), png(100_000, 100_000));
    Refusal.assertRefused(dir, BAD_IMAGE, "sam4j holds at most 715827879 pixels",
        () -> Images.read(f, Long.MAX_VALUE));
  }

  /** Threat: a JPEG whose frame header claims 65,500 x 65,500 pixels. */
  @Test
  void jpegDecompressionBomb() throws IOException {
    byte[] jpeg = encode(new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR), "jpg");
    int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
    ByteBuffer.wrap(jpeg).putShort(sof + 5, (short) 65_500).putShort(sof + 7, (short) 65_500);
    Path f = Files.write(dir.resolve("bomb.jpg"), jpeg);
    Refusal.assertRefused(dir, BAD_IMAGE, "claims 65500x65500 pixels, over the limit",
        () -> Images.read(f));
  }

  /** The limit is the caller's: an image of exactly maxPixels decodes, one pixel less refuses. */
  @Test
  void limitIsConfigurableToThePixel() throws IOException {
    Path f = dir.resolve("small.png");
    ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR), "png", f.toFile());
    assertEquals(40, Images.read(f, 1200).width());
    Refusal.assertRefused(dir, BAD_IMAGE, "claims 40x30 pixels, over the limit of 1199 pixels",
        () -> Images.read(f, 1199));
  }

  /** Damage: a JPEG cut short, at several points (headers, first scan lines, near the end). */
  @ParameterizedTest
  @ValueSource(doubles = {0.002, 0.05, 0.5, 0.95})
  void truncatedJpeg(double keep) throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.imageFile("dog.jpg"));
    Path f = Files.write(dir.resolve("cut.jpg"),
        Arrays.copyOf(full, (int) (full.length * keep)));
    Refusal.assertRefused(dir, BAD_IMAGE, "truncated", () -> Images.read(f));
  }

  /** Damage: a PNG cut short, in its header chunk or in its pixel data. */
  @ParameterizedTest
  @ValueSource(ints = {20, 60, 600})
  void truncatedPng(int keep) throws IOException {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, x * 0x040000 + y * 0x0400 + (x ^ y));
      }
    }
    byte[] full = encode(img, "png");
    byte[] cut = Arrays.copyOf(full, Math.min(keep, full.length - 12));
    Path f = Files.write(dir.resolve("cut.png"), cut);
    Refusal.assertRefused(dir, BAD_IMAGE, "truncated", () -> Images.read(f));
  }

  /** A PNG of the given size: an honest IHDR, one small IDAT of zeros, IEND. */
  static byte[] png(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater d = new Deflater();
    d.setInput(new byte[4096]);
    d.finish();
    byte[] z = new byte[256];
    chunk(out, "IDAT", Arrays.copyOf(z, d.deflate(z)));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    for (int i = 0; i + pattern.length <= data.length; i++) {
      if (Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
        return i;
      }
    }
    throw new IllegalArgumentException("pattern not found");
  }
}
