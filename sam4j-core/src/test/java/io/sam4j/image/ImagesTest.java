package io.sam4j.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamException;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void exifOrientationSixRotatesClockwise() throws IOException {
    BufferedImage src = new BufferedImage(4, 2, BufferedImage.TYPE_3BYTE_BGR);
    WritableRaster r = src.getRaster();
    for (int c = 0; c < 3; c++) {
      r.setSample(0, 0, c, 255); // top-left white
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(src, "jpg", jpeg);
    Path f = dir.resolve("rot.jpg");
    Files.write(f, withExifOrientation(jpeg.toByteArray(), 6));
    RgbImage img = Images.read(f);
    assertEquals(2, img.width());
    assertEquals(4, img.height());
    // rotated 90 degrees clockwise: the old top-left corner is now the top-right one
    assertTrue(img.get(1, 0, 0) > 200, "top-right is " + img.get(1, 0, 0));
    assertTrue(img.get(0, 3, 0) < 60);
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
