package io.sam4j.eval.davis;

import io.sam4j.SamException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A frame's object labels, row-major {@code height x width}: 0 background, 1..k objects, 255 void in
 * DAVIS ground truth. Read from an indexed-palette PNG (the DAVIS convention: the palette index is
 * the label, as {@code np.array(PIL.Image.open(png))} gives it) or a single-channel PNG (the grey
 * value is the label). Immutable.
 */
public final class LabelMap {
  private final int width;
  private final int height;
  private final int[] labels;

  private LabelMap(int width, int height, int[] labels) {
    this.width = width;
    this.height = height;
    this.labels = labels;
  }

  /** A label map from row-major labels (copied). */
  public static LabelMap of(int width, int height, int[] labels) {
    if (width <= 0 || height <= 0 || (long) width * height != labels.length) {
      throw new IllegalArgumentException(width + "x" + height + " labels need "
          + (long) width * height + " values, got " + labels.length);
    }
    return new LabelMap(width, height, labels.clone());
  }

  /**
   * Reads the labels of a PNG: palette indices of an indexed PNG, else the values of a grey one.
   *
   * @throws SamException naming the file when it is missing, undecodable or a colour (RGB) PNG
   */
  public static LabelMap read(Path png) {
    BufferedImage img;
    try {
      img = ImageIO.read(png.toFile());
    } catch (IOException e) {
      if (!Files.exists(png)) {
        throw new SamException(SamException.Kind.IO, "label PNG " + png + " does not exist");
      }
      throw new SamException(SamException.Kind.BAD_IMAGE, "label PNG " + png
          + " cannot be decoded: " + e.getMessage(), e);
    }
    if (img == null) {
      if (!Files.exists(png)) {
        throw new SamException(SamException.Kind.IO, "label PNG " + png + " does not exist");
      }
      throw new SamException(SamException.Kind.BAD_IMAGE, "label PNG " + png
          + " is not an image ImageIO can decode");
    }
    Raster r = img.getRaster();
    boolean indexed = img.getColorModel() instanceof IndexColorModel;
    if (!indexed && r.getNumBands() > 2) {
      throw new SamException(SamException.Kind.BAD_IMAGE, "label PNG " + png + " is an RGB image;"
          + " DAVIS masks are indexed-palette (or single-channel) PNGs whose values are object ids");
    }
    int w = img.getWidth();
    int h = img.getHeight();
    int[] labels = new int[w * h];
    r.getSamples(0, 0, w, h, 0, labels);
    return new LabelMap(w, h, labels);
  }


  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Label of pixel (x, y). */
  public int get(int x, int y) {
    return labels[y * width + x];
  }

  /** The largest label, ignoring {@code ignored} (pass -1 to ignore nothing). */
  public int maxLabel(int ignored) {
    int m = 0;
    for (int v : labels) {
      if (v != ignored && v > m) {
        m = v;
      }
    }
    return m;
  }

  /** The pixels equal to {@code label}, row-major. */
  public boolean[] binary(int label) {
    boolean[] b = new boolean[labels.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = labels[i] == label;
    }
    return b;
  }

  /** A copy of the labels, row-major. */
  public int[] toArray() {
    return labels.clone();
  }

}
