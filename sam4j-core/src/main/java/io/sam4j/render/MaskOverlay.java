package io.sam4j.render;

import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.result.Mask;
import java.util.List;

/**
 * Draws masks over a photo for people to look at: each mask tinted in its own color (half photo,
 * half color), prompt points as filled discs with a white rim (green foreground, red background,
 * grey ignored), boxes as 2-pixel outlines. Pixels under no mask and no marker keep the photo's
 * exact values.
 */
public final class MaskOverlay {
  private static final int[] FOREGROUND = {0, 200, 0};
  private static final int[] BACKGROUND = {220, 0, 0};
  private static final int[] IGNORED = {128, 128, 128};
  private static final int[] BOX = {30, 144, 255};

  private MaskOverlay() {}

  /** The color of mask {@code i}: hues spaced by the golden angle, fully saturated and bright. */
  public static int[] color(int i) {
    double hue = (i * 0.618033988749895) % 1.0;
    java.awt.Color c = java.awt.Color.getHSBColor((float) hue, 0.85f, 0.95f);
    return new int[] {c.getRed(), c.getGreen(), c.getBlue()};
  }

  /**
   * Renders the overlay.
   *
   * @param masks drawn in order (later ones over earlier ones), each at the image size
   * @param points prompt points in image pixels (may be empty)
   * @param boxes prompt boxes in image pixels (may be empty)
   */
  public static RgbImage render(RgbImage image, List<Mask> masks, List<Point> points,
      List<Box> boxes) {
    int w = image.width();
    int h = image.height();
    byte[] px = image.toByteArray();
    for (int i = 0; i < masks.size(); i++) {
      Mask m = masks.get(i);
      if (m.width() != w || m.height() != h) {
        throw new IllegalArgumentException("mask " + i + " is " + m.width() + "x" + m.height()
            + ", the image " + w + "x" + h);
      }
      int[] c = color(i);
      byte[] bits = m.toByteArray();
      for (int p = 0; p < bits.length; p++) {
        if (bits[p] != 0) {
          for (int k = 0; k < 3; k++) {
            px[3 * p + k] = (byte) (((px[3 * p + k] & 0xff) + c[k] + 1) / 2);
          }
        }
      }
    }
    for (Box b : boxes) {
      drawBox(px, w, h, b);
    }
    int radius = Math.max(4, Math.min(w, h) / 100);
    for (Point p : points) {
      int[] c = p.label() == Label.FOREGROUND ? FOREGROUND
          : p.label() == Label.BACKGROUND ? BACKGROUND : IGNORED;
      disc(px, w, h, p.x(), p.y(), radius + 2, new int[] {255, 255, 255});
      disc(px, w, h, p.x(), p.y(), radius, c);
    }
    return RgbImage.of(w, h, px);
  }

  private static void drawBox(byte[] px, int w, int h, Box b) {
    int x0 = (int) Math.round(b.x0());
    int y0 = (int) Math.round(b.y0());
    int x1 = (int) Math.round(b.x1());
    int y1 = (int) Math.round(b.y1());
    for (int t = 0; t < 2; t++) {
      for (int x = x0; x <= x1; x++) {
        set(px, w, h, x, y0 + t, BOX);
        set(px, w, h, x, y1 - t, BOX);
      }
      for (int y = y0; y <= y1; y++) {
        set(px, w, h, x0 + t, y, BOX);
        set(px, w, h, x1 - t, y, BOX);
      }
    }
  }

  private static void disc(byte[] px, int w, int h, double cx, double cy, int r, int[] c) {
    int x0 = (int) Math.floor(cx - r);
    int y0 = (int) Math.floor(cy - r);
    for (int y = y0; y <= cy + r; y++) {
      for (int x = x0; x <= cx + r; x++) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        if (dx * dx + dy * dy <= (double) r * r) {
          set(px, w, h, x, y, c);
        }
      }
    }
  }

  private static void set(byte[] px, int w, int h, int x, int y, int[] c) {
    if (x >= 0 && y >= 0 && x < w && y < h) {
      int p = 3 * (y * w + x);
      px[p] = (byte) c[0];
      px[p + 1] = (byte) c[1];
      px[p + 2] = (byte) c[2];
    }
  }
}
