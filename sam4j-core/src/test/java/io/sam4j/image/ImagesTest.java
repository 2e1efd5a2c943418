package io.sam4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import io.sam4j.SamException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conversions to 8-bit RGB as OpenCV's imread makes them, and EXIF orientation. */
class ImagesTest {
  @TempDir Path dir;

  private Path png(BufferedImage img, String name) throws IOException {
    Path f = dir.resolve(name);
    ImageIO.write(img, "png", f.toFile());
    return f;
  }

  @Test
  void grayscaleIsReplicated() throws IOException {
    BufferedImage g = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setSample(1, 0, 0, 77);
    RgbImage img = Images.read(png(g, "g.png"));
    assertEquals(77, img.get(1, 0, 0));
    assertEquals(77, img.get(1, 0, 1));
    assertEquals(77, img.get(1, 0, 2));
  }

  @Test
  void alphaIsDroppedNotComposited() throws IOException {
    BufferedImage a = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    a.setRGB(0, 0, 0x10_C8_64_32); // nearly transparent, RGB (200, 100, 50)
    RgbImage img = Images.read(png(a, "a.png"));
    assertEquals(200, img.get(0, 0, 0));
    assertEquals(100, img.get(0, 0, 1));
    assertEquals(50, img.get(0, 0, 2));
  }

  @Test
  void sixteenBitKeepsTheHighByte() throws IOException {
    BufferedImage s = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    s.getRaster().setSample(0, 0, 0, 0xABCD);
    RgbImage img = Images.read(png(s, "s.png"));
    assertEquals(0xAB, img.get(0, 0, 0));
  }

  /**
   * Every EXIF orientation, on a 64x32 image whose quadrants are red (top-left), green (top-right),
   * blue (bottom-left) and white: the expected corner colors follow from the EXIF definitions
   * (2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate
   * 90 counter-clockwise), as OpenCV applies them.
   */
  @ParameterizedTest
  @CsvSource({
      "1, 64, 32, R, G, B, W", "2, 64, 32, G, R, W, B", "3, 64, 32, W, B, G, R",
      "4, 64, 32, B, W, R, G", "5, 32, 64, R, B, G, W", "6, 32, 64, B, R, W, G",
      "7, 32, 64, W, G, B, R", "8, 32, 64, G, W, R, B"})
  void exifOrientationIsApplied(int orientation, int w, int h, char tl, char tr, char bl, char br)
      throws IOException {
    BufferedImage src = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 64; x++) {
        src.setRGB(x, y, y < 16 ? (x < 32 ? 0xFF0000 : 0x00FF00) : (x < 32 ? 0x0000FF : 0xFFFFFF));
      }
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(src, "jpg", jpeg);
    Path f = dir.resolve("o" + orientation + ".jpg");
    Files.write(f, withExifOrientation(jpeg.toByteArray(), orientation));
    RgbImage img = Images.read(f);
    assertEquals(w, img.width());
    assertEquals(h, img.height());
    assertEquals(tl, color(img, 2, 2));
    assertEquals(tr, color(img, w - 3, 2));
    assertEquals(bl, color(img, 2, h - 3));
    assertEquals(br, color(img, w - 3, h - 3));
  }

  private static char color(RgbImage img, int x, int y) {
    boolean r = img.get(x, y, 0) > 128;
    boolean g = img.get(x, y, 1) > 128;
    boolean b = img.get(x, y, 2) > 128;
    return r && g && b ? 'W' : r ? 'R' : g ? 'G' : b ? 'B' : '?';
  }

  @Test
  void decompressionBombIsRefusedBeforeDecoding() throws IOException {
    BufferedImage big = new BufferedImage(400, 300, BufferedImage.TYPE_BYTE_GRAY);
    Path f = png(big, "big.png");
    SamException e = assertThrows(SamException.class, () -> Images.read(f, 1000));
    assertEquals(SamException.Kind.BAD_IMAGE, e.kind());
    assertTrue(e.getMessage().contains("400x300"), e.getMessage());
  }

  @Test
  void truncatedAndForeignFilesFailClearly() throws IOException {
    Path txt = Files.writeString(dir.resolve("notes.jpg"), "not an image");
    assertTrue(assertThrows(SamException.class, () -> Images.read(txt)).getMessage()
        .contains("not an image format"));
    BufferedImage src = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(src, "png", png);
    Path cut = dir.resolve("cut.png");
    byte[] b = png.toByteArray();
    Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
    SamException e = assertThrows(SamException.class, () -> Images.read(cut));
    assertEquals(SamException.Kind.BAD_IMAGE, e.kind());
    assertTrue(assertThrows(SamException.class, () -> Images.read(dir.resolve("none.png")))
        .getMessage().contains("does not exist"));
  }

  /** Inserts an APP1 Exif segment with one orientation entry after the SOI marker. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
        0, (byte) orientation, 0, 0, 0, 0, 0, 0};
    int len = 2 + 6 + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xFF);
    out.write(0xE1);
    out.write(len >> 8);
    out.write(len & 0xff);
    out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
