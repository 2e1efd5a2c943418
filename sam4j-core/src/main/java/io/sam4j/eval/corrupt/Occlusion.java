package io.sam4j.eval.corrupt;

import io.sam4j.SamException;
import io.sam4j.image.RgbImage;
import java.util.SplittableRandom;

/**
 * Occlusion: a solid patch of random colour at a random place inside an object's box, covering
 * a fixed fraction of the box. This is sam4j's own definition (the issue asks for "a random patch
 * covering X% of the object's box"; ImageNet-C has no occlusion), stated exactly so that results
 * can be reproduced:
 *
 * <ol>
 *   <li>Severity {@code s} (1..5) covers the fraction {@code s / 10} of the box: 10% to 50%.
 *   <li>The box (XYXY, image pixels, e.g. a COCO {@code bbox} as {@code x, y, x + w, y + h}) is
 *       snapped outward to whole pixels and clipped to the image: {@code x0 = max(0, floor(bx0))},
 *       {@code y0 = max(0, floor(by0))}, {@code x1 = min(W, ceil(bx1))}, {@code y1 = min(H,
 *       ceil(by1))}; its area is {@code A = (x1 - x0)(y1 - y0)} pixels (none left: no change).
 *   <li>Exactly {@code N = round(s A / 10)} pixels are covered (half up, in integers:
 *       {@code (s A + 5) / 10}); so the covered fraction is {@code s / 10} within {@code 0.5 / A}.
 *   <li>With {@code SplittableRandom(seed)}, in this order: the patch width {@code pw} uniform in
 *       {@code [ceil(N / bh), min(bw, N)]} ({@code bw, bh} the box's width and height), so its
 *       height {@code ph = ceil(N / pw)} fits the box; its left edge uniform in
 *       {@code [x0, x1 - pw]}, its top edge uniform in {@code [y0, y1 - ph]}; then the colour,
 *       red, green and blue each uniform in 0..255.
 *   <li>The patch covers the first {@code N} pixels of that {@code pw x ph} rectangle in row-major
 *       order: every row full but the last, which is filled from the left with
 *       {@code N - pw (ph - 1)} pixels.
 * </ol>
 *
 * <pre>{@code
 * RgbImage occluded = Occlusion.apply(image, new double[] {120, 40, 380, 300}, 3, 42L);
 * }</pre>
 */
public final class Occlusion {
  private Occlusion() {}

  /**
   * Where a patch goes: covers rows {@code y .. y + height - 2} fully over {@code x .. x + width -
   * 1}, and {@code lastRow} pixels from {@code x} in row {@code y + height - 1}; {@code pixels} in
   * all, of colour {@code rgb}. An empty patch has {@code pixels == 0}.
   *
   * @param boxArea the area in pixels of the snapped and clipped box
   */
  public record Patch(int x, int y, int width, int height, int lastRow, long pixels,
      long boxArea, int[] rgb) {
    public Patch {
      rgb = rgb.clone();
    }

    @Override
    public int[] rgb() {
      return rgb.clone();
    }

    /** Whether the patch covers pixel (px, py). */
    public boolean covers(int px, int py) {
      if (pixels == 0 || px < x || py < y || py >= y + height) {
        return false;
      }
      return px < x + (py == y + height - 1 ? lastRow : width);
    }

    /** The covered fraction of the box, {@code pixels / boxArea} (0 for an empty box). */
    public double fraction() {
      return boxArea == 0 ? 0 : (double) pixels / boxArea;
    }
  }

  /** The fraction of the box that severity {@code s} covers: {@code s / 10}. */
  public static double fraction(int severity) {
    checkSeverity(severity);
    return severity / 10.0;
  }

  /**
   * The patch for an object's box in an image of {@code width x height}.
   *
   * @param box XYXY in image pixels
   * @throws SamException for a severity outside 1..5 or a box that is not 4 finite numbers with
   *     {@code x0 <= x1, y0 <= y1}
   */
  public static Patch patch(int width, int height, double[] box, int severity, long seed) {
    checkSeverity(severity);
    checkBox(box);
    int x0 = (int) Math.max(0, Math.floor(box[0]));
    int y0 = (int) Math.max(0, Math.floor(box[1]));
    int x1 = (int) Math.min(width, Math.ceil(box[2]));
    int y1 = (int) Math.min(height, Math.ceil(box[3]));
    int bw = Math.max(0, x1 - x0);
    int bh = Math.max(0, y1 - y0);
    long area = (long) bw * bh;
    long n = (severity * area + 5) / 10;
    if (n == 0) {
      return new Patch(x0, y0, 0, 0, 0, 0, area, new int[3]);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int minW = (int) ((n + bh - 1) / bh);
    int maxW = (int) Math.min(bw, n);
    int pw = minW + rng.nextInt(maxW - minW + 1);
    int ph = (int) ((n + pw - 1) / pw);
    int px = x0 + rng.nextInt(bw - pw + 1);
    int py = y0 + rng.nextInt(bh - ph + 1);
    int[] rgb = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
    int last = (int) (n - (long) pw * (ph - 1));
    return new Patch(px, py, pw, ph, last, n, area, rgb);
  }

  /** The image with the patch of {@link #patch} painted over it (a new image). */
  public static RgbImage apply(RgbImage image, double[] box, int severity, long seed) {
    return paint(image, patch(image.width(), image.height(), box, severity, seed));
  }

  /** The image with {@code patch} painted over it (a new image). */
  public static RgbImage paint(RgbImage image, Patch patch) {
    int w = image.width();
    byte[] rgb = image.toByteArray();
    int[] c = patch.rgb();
    for (int y = patch.y(); y < patch.y() + patch.height(); y++) {
      int end = patch.x() + (y == patch.y() + patch.height() - 1 ? patch.lastRow() : patch.width());
      for (int x = patch.x(); x < end; x++) {
        int i = 3 * (y * w + x);
        rgb[i] = (byte) c[0];
        rgb[i + 1] = (byte) c[1];
        rgb[i + 2] = (byte) c[2];
      }
    }
    return RgbImage.of(w, image.height(), rgb);
  }

  private static void checkSeverity(int severity) {
    if (severity < 1 || severity > 5) {
      throw new SamException(SamException.Kind.BAD_INPUT, "severity must be 1..5, got "
          + severity);
    }
  }

  private static void checkBox(double[] box) {
    if (box == null || box.length != 4) {
      throw new SamException(SamException.Kind.BAD_INPUT, "occlusion needs the object's box as"
          + " 4 numbers X0,Y0,X1,Y1 in image pixels");
    }
    for (double v : box) {
      if (!Double.isFinite(v)) {
        throw new SamException(SamException.Kind.BAD_INPUT, "the occlusion box "
            + java.util.Arrays.toString(box) + " has a value that is not a finite number");
      }
    }
    if (box[2] < box[0] || box[3] < box[1]) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the occlusion box "
          + java.util.Arrays.toString(box) + " must have X0 <= X1 and Y0 <= Y1");
    }
  }
}
