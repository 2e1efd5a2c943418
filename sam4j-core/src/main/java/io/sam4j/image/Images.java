package io.sam4j.image;

import io.sam4j.SamException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads images the way the reference pipeline sees them (OpenCV's {@code imread} then BGR to RGB):
 * 8-bit RGB, EXIF orientation applied, grayscale replicated, alpha dropped, 16-bit samples reduced
 * to their high byte, palettes expanded. Sizes are checked before decoding.
 */
public final class Images {
  /** Default limit on width x height: 200 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 200_000_000L;

  /** The most pixels an {@link RgbImage} can hold (its bytes are one Java array). */
  public static final long MAX_HELD_PIXELS = (Integer.MAX_VALUE - 8) / 3;

  private Images() {}

  /** Reads an image file with the default size limit. */
  public static RgbImage read(Path file) {
    return read(file, DEFAULT_MAX_PIXELS);
  }

  /**
   * Reads an image file (JPEG, PNG, BMP, GIF, and what else ImageIO can decode).
   *
   * @param maxPixels images whose header claims more pixels (width x height) are refused before
   *     any pixel is decoded; {@link #MAX_HELD_PIXELS} is the limit in any case
   * @throws SamException naming the file and the problem: missing, too large, truncated, corrupt
   */
  public static RgbImage read(Path file, long maxPixels) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > Integer.MAX_VALUE - 8) {
        throw bad(file.getFileName().toString(), "is " + size + " bytes; image files over 2 GiB"
            + " are not supported");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SamException(SamException.Kind.IO, "image " + file + " does not exist");
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read image " + file + ": " + e.getMessage(), e);
    }
    return decode(bytes, file.getFileName().toString(), maxPixels);
  }

  /**
   * Decodes an encoded image held in memory; see {@link #read(Path, long)}. Nothing is written to
   * disk (no ImageIO cache file).
   */
  public static RgbImage decode(byte[] bytes, String source, long maxPixels) {
    BufferedImage img;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw bad(source, "is not an image format sam4j can read (JPEG, PNG, BMP, GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        java.util.List<String> warnings = new java.util.ArrayList<>();
        reader.addIIOReadWarningListener((src, warning) -> warnings.add(warning));
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0 || w * h > maxPixels) {
          throw bad(source, "claims " + w + "x" + h + " pixels, over the limit of " + maxPixels
              + " pixels (raise the limit if the image is genuine)");
        }
        if (w * h > MAX_HELD_PIXELS) {
          throw bad(source, "claims " + w + "x" + h + " pixels; sam4j holds at most "
              + MAX_HELD_PIXELS + " pixels in one image");
        }
        img = reader.read(0);
        if (!warnings.isEmpty()) {
          throw bad(source, "is damaged: " + warnings.get(0)
              + " (the file is probably truncated; get a complete copy)");
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof SamException se) {
        throw se;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw bad(source, "cannot be decoded (truncated or corrupt?): " + why);
    }
    if (img == null) {
      throw bad(source, "cannot be decoded");
    }
    RgbImage rgb = fromBufferedImage(img);
    return ExifOrientation.apply(rgb, ExifOrientation.read(bytes));
  }

  /** Converts an AWT image to 8-bit RGB from its raw samples (no color management). */
  public static RgbImage fromBufferedImage(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    ColorModel cm = img.getColorModel();
    Raster r = img.getRaster();
    int bands = r.getNumBands();
    if (cm instanceof IndexColorModel || bands < 1 || bands > 4 || !isIntegral(r)) {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        img.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int p = (y * w + x) * 3;
          out[p] = (byte) (row[x] >> 16);
          out[p + 1] = (byte) (row[x] >> 8);
          out[p + 2] = (byte) row[x];
        }
      }
      return RgbImage.wrap(w, h, out);
    }
    int bits = r.getSampleModel().getSampleSize(0);
    int shift = Math.max(0, bits - 8);
    boolean gray = bands <= 2;
    int[] samples = new int[w * bands];
    for (int y = 0; y < h; y++) {
      r.getPixels(0, y, w, 1, samples);
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 3;
        int s = x * bands;
        for (int c = 0; c < 3; c++) {
          out[p + c] = (byte) (samples[s + (gray ? 0 : c)] >>> shift);
        }
      }
    }
    return RgbImage.wrap(w, h, out);
  }

  private static boolean isIntegral(Raster r) {
    int t = r.getSampleModel().getDataType();
    return t == java.awt.image.DataBuffer.TYPE_BYTE || t == java.awt.image.DataBuffer.TYPE_USHORT;
  }

  /** An AWT image of the pixels, for drawing overlays and writing PNGs. */
  public static BufferedImage toBufferedImage(RgbImage img) {
    BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
    java.nio.ByteBuffer px = img.pixels();
    int w = img.width();
    int[] row = new int[w];
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 3;
        row[x] = (px.get(p) & 0xff) << 16 | (px.get(p + 1) & 0xff) << 8 | (px.get(p + 2) & 0xff);
      }
      b.setRGB(0, y, w, 1, row, 0, w);
    }
    return b;
  }

  /** Writes an image as PNG, atomically (a temporary file renamed into place). */
  public static void writePng(RgbImage img, java.nio.file.Path file) {
    writePng(toBufferedImage(img), file);
  }

  /** Writes a mask as an 8-bit grayscale PNG (255 inside, 0 outside), atomically. */
  public static void writePng(io.sam4j.result.Mask mask, java.nio.file.Path file) {
    BufferedImage b = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((java.awt.image.DataBufferByte) b.getRaster().getDataBuffer()).getData();
    byte[] bits = mask.toByteArray();
    for (int i = 0; i < bits.length; i++) {
      data[i] = bits[i] != 0 ? (byte) 255 : 0;
    }
    writePng(b, file);
  }

  private static void writePng(BufferedImage b, java.nio.file.Path file) {
    io.sam4j.io.AtomicFiles.write(file, out -> {
      if (!ImageIO.write(b, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    });
  }

  private static SamException bad(String source, String what) {
    return new SamException(SamException.Kind.BAD_IMAGE, "image " + source + " " + what);
  }
}
