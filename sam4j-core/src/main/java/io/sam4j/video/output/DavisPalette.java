package io.sam4j.video.output;

import io.sam4j.SamException;
import io.sam4j.io.AtomicFiles;
import io.sam4j.result.Mask;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Label maps as DAVIS stores them: an 8-bit indexed-palette PNG whose palette index is the object
 * id (0 background), with the PASCAL VOC colour map that DAVIS 2017 and SAM 2's
 * {@code tools/vos_inference.py} use ({@code DAVIS_PALETTE}: index 1 dark red, 2 green, 3 olive...).
 * Where objects overlap the smallest id wins, as {@code put_per_obj_mask} paints them.
 */
public final class DavisPalette {
  /** The largest object id a palette PNG can hold. */
  public static final int MAX_ID = 255;

  private static final IndexColorModel MODEL;

  static {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      int[] c = color(i);
      r[i] = (byte) c[0];
      g[i] = (byte) c[1];
      b[i] = (byte) c[2];
    }
    MODEL = new IndexColorModel(8, 256, r, g, b);
  }

  private DavisPalette() {}

  /** The RGB colour of palette index {@code i} (the PASCAL VOC bit-interleaved colour map). */
  public static int[] color(int i) {
    int r = 0;
    int g = 0;
    int b = 0;
    int c = i;
    for (int j = 0; j < 8; j++) {
      r |= (c & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    return new int[] {r, g, b};
  }

  /**
   * The labels of one frame, row-major {@code height x width}: each object's id where its mask is
   * set, the smallest id where masks overlap, 0 elsewhere. Objects without an output are skipped.
   *
   * @throws SamException of kind {@code BAD_INPUT} for an id outside 1..255
   */
  public static byte[] labels(FrameResult frame, int width, int height) {
    byte[] labels = new byte[width * height];
    // largest id first, so that smaller ids paint over larger ones
    var objects = new java.util.ArrayList<>(frame.objects());
    objects.sort((a, c) -> Integer.compare(c.objId(), a.objId()));
    for (ObjectResult o : objects) {
      if (o.mask() == null) {
        continue;
      }
      checkId(o.objId());
      Mask m = o.mask();
      if (m.width() != width || m.height() != height) {
        throw new IllegalArgumentException("mask of object " + o.objId() + " is " + m.width() + "x"
            + m.height() + ", the video " + width + "x" + height);
      }
      byte[] bits = m.toByteArray();
      for (int p = 0; p < bits.length; p++) {
        if (bits[p] != 0) {
          labels[p] = (byte) o.objId();
        }
      }
    }
    return labels;
  }

  /** Refuses an object id a palette PNG cannot hold. */
  public static void checkId(int objId) {
    if (objId < 1 || objId > MAX_ID) {
      throw new SamException(SamException.Kind.BAD_INPUT, "object id " + objId + " cannot be written to a"
          + " DAVIS palette PNG, whose indices are 1.." + MAX_ID + " (0 is background); use ids in that range");
    }
  }

  /** Writes labels as an indexed PNG with the DAVIS palette (atomically). */
  public static void writePng(Path file, byte[] labels, int width, int height) {
    if (labels.length != width * height) {
      throw new IllegalArgumentException(width + "x" + height + " needs " + width * height
          + " labels, got " + labels.length);
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, MODEL);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(labels, 0, data, 0, labels.length);
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(img, "png", out)) {
        throw new java.io.IOException("no PNG writer for indexed images");
      }
    });
  }
}
