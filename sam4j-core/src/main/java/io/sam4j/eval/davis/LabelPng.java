package io.sam4j.eval.davis;

import io.sam4j.SamException;
import io.sam4j.io.AtomicFiles;
import io.sam4j.video.output.DavisPalette;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes label maps as DAVIS results: 8-bit indexed-palette PNGs whose palette index is the object
 * id, as {@code davis2017.utils.save_mask} and SAM 2's {@code tools/vos_inference.py} write them
 * ({@code Image.fromarray(mask).putpalette(palette)}). The default palette is the DAVIS (PASCAL VOC)
 * one ({@link DavisPalette#color}).
 */
public final class LabelPng {
  private LabelPng() {}

  /** The 256-colour DAVIS palette, {@code [r0, g0, b0, r1, ...]}. */
  public static byte[] davisPalette() {
    byte[] p = new byte[256 * 3];
    for (int i = 0; i < 256; i++) {
      int[] c = DavisPalette.color(i);
      p[3 * i] = (byte) c[0];
      p[3 * i + 1] = (byte) c[1];
      p[3 * i + 2] = (byte) c[2];
    }
    return p;
  }

  /**
   * Writes {@code labels} (each 0..255) as an indexed PNG with {@code palette} (256 RGB triples),
   * atomically (a reader never sees half a file).
   */
  public static void write(Path png, LabelMap labels, byte[] palette) {
    if (palette.length != 256 * 3) {
      throw new IllegalArgumentException("a palette has 256 RGB triples, not " + palette.length
          + " bytes");
    }
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      r[i] = palette[3 * i];
      g[i] = palette[3 * i + 1];
      b[i] = palette[3 * i + 2];
    }
    int w = labels.width();
    int h = labels.height();
    int[] v = labels.toArray();
    for (int x : v) {
      if (x < 0 || x > 255) {
        throw new IllegalArgumentException("label " + x + " does not fit an 8-bit palette PNG");
      }
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, r, g, b));
    img.getRaster().setSamples(0, 0, w, h, 0, v);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", bytes);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot encode " + png + ": " + e.getMessage(),
          e);
    }
    AtomicFiles.write(png, bytes.toByteArray());
  }
}
