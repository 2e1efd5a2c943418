package io.sam4j.server;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An uploaded mask PNG: checked to be a PNG of the frame's size from its header (before any pixel
 * is decoded), then read as a row-major mask whose set pixels are the non-black ones (any colour
 * channel non-zero; in a palette PNG, any index other than 0; alpha is ignored).
 */
final class MaskPng {
  private MaskPng() {}

  /** The mask, {@code height x width} row-major; 400 when it is not a PNG of that size. */
  static boolean[] read(byte[] png, int width, int height) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader r = readers.hasNext() ? readers.next() : null;
      if (r == null || !r.getFormatName().toLowerCase(Locale.ROOT).equals("png")) {
        throw ApiException.badRequest("the mask is not a PNG image"
            + (r == null ? "" : " (it reads as " + r.getFormatName() + ")"));
      }
      try {
        r.setInput(in, true, true);
        int w = r.getWidth(0);
        int h = r.getHeight(0);
        if (w != width || h != height) {
          throw ApiException.badRequest("the mask PNG is " + w + "x" + h + "; it must be the"
              + " video's size, " + width + "x" + height);
        }
        return pixels(r.read(0), width, height);
      } finally {
        r.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ApiException a) {
        throw a;
      }
      throw ApiException.badRequest("the mask PNG cannot be read: " + e.getMessage());
    }
  }

  private static boolean[] pixels(BufferedImage img, int width, int height) {
    Raster raster = img.getRaster();
    int bands = img.getColorModel().getNumColorComponents();
    if (img.getColorModel() instanceof java.awt.image.IndexColorModel) {
      bands = 1; // the raster holds palette indices
    }
    boolean[] out = new boolean[width * height];
    int[] row = new int[width * raster.getNumBands()];
    for (int y = 0; y < height; y++) {
      raster.getPixels(0, y, width, 1, row);
      for (int x = 0; x < width; x++) {
        for (int b = 0; b < bands && !out[y * width + x]; b++) {
          out[y * width + x] = row[x * raster.getNumBands() + b] != 0;
        }
      }
    }
    return out;
  }
}
