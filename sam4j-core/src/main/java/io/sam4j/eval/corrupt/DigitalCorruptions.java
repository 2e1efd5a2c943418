package io.sam4j.eval.corrupt;

import io.sam4j.SamException;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.transform.PilResize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** pixelate and jpeg_compression. */
final class DigitalCorruptions {
  private DigitalCorruptions() {}

  private static final double[] PIXELATE = {0.6, 0.5, 0.4, 0.3, 0.25};
  private static final int[] JPEG_QUALITY = {25, 18, 15, 10, 7};

  /**
   * Pillow BOX down to {@code int(W c) x int(H c)} and back to WxH (the reference uses 224 for
   * both sides and returns 224x224).
   */
  static RgbImage pixelate(RgbImage img, int severity) {
    double c = PIXELATE[severity - 1];
    int w = Math.max(1, (int) (img.width() * c));
    int h = Math.max(1, (int) (img.height() * c));
    return PilResize.resize(PilResize.resize(img, w, h, PilResize.Filter.BOX), img.width(),
        img.height(), PilResize.Filter.BOX);
  }

  /** The JPEG quality (IJG scale, as PIL's {@code quality=}) of a severity. */
  static int jpegQuality(int severity) {
    return JPEG_QUALITY[severity - 1];
  }

  /**
   * Encodes with the JDK's JPEG writer (libjpeg-derived, 4:2:0 chroma, IJG quality tables) at the
   * reference's quality and decodes again; encoders differ in detail, so the output matches the
   * reference's PIL bytes only statistically.
   */
  static RgbImage jpegCompression(RgbImage img, int severity) {
    return Images.decode(jpegBytes(img, jpegQuality(severity)), "jpeg_compression", Long.MAX_VALUE);
  }

  /** The JPEG bytes of an image at an IJG quality 1..100. */
  static byte[] jpegBytes(RgbImage img, int quality) {
    Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
    if (!it.hasNext()) {
      throw new SamException(SamException.Kind.RUNTIME, "no JPEG writer in this JVM");
    }
    ImageWriter writer = it.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality / 100f);
      writer.write(null, new IIOImage(Images.toBufferedImage(img), null, null), p);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.RUNTIME, "JPEG encoding failed: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
