package io.sam4j.mask;

import io.sam4j.SamException;
import io.sam4j.result.Mask;
import java.util.Arrays;

/**
 * An uncompressed run-length encoding of a binary mask, exactly as segment-anything's
 * {@code mask_to_rle_pytorch} and pycocotools' {@code rleEncode} produce it. Immutable.
 *
 * <p>Conventions:
 *
 * <ul>
 *   <li>The runs walk the mask in <b>column-major</b> (Fortran) order: pixel (x, y) is at position
 *       {@code x * height + y}.
 *   <li>The first count is the number of leading zeros (0 when the first pixel is set); after it
 *       runs of ones and zeros alternate. Counts at even indices are zeros, at odd indices ones.
 *   <li>{@link #size()} is {@code [height, width]}, in that order, as in COCO's {@code "size"}.
 *   <li>The counts sum to {@code height * width}. An encoded empty (0-pixel) mask has counts
 *       {@code [0]}, as pycocotools writes it.
 * </ul>
 *
 * <p>{@link #of} also accepts counts that no encoder writes (zero-length runs after the first),
 * as pycocotools does; two such encodings of one mask are not {@link #equals equal}.
 *
 * <pre>{@code
 * Rle rle = Rle.encode(mask);          // counts, e.g. [4, 1, 1, 2, 4]
 * String coco = CocoRle.encode(rle);   // "41113"
 * Mask back = rle.toMask();
 * }</pre>
 */
public final class Rle {
  private final int height;
  private final int width;
  private final long[] counts;
  private final long area;

  private Rle(int height, int width, long[] counts) {
    this.height = height;
    this.width = width;
    this.counts = counts;
    long a = 0;
    for (int i = 1; i < counts.length; i += 2) {
      a += counts[i];
    }
    this.area = a;
  }

  /**
   * An RLE from its counts (copied).
   *
   * @param height mask height, at least 0
   * @param width mask width, at least 0
   * @param counts non-negative run lengths, zeros first, summing to {@code height * width}
   * @throws IllegalArgumentException if a size or count is negative or the counts do not sum to
   *     {@code height * width}
   */
  public static Rle of(int height, int width, long[] counts) {
    if (height < 0 || width < 0) {
      throw new IllegalArgumentException("RLE size must be non-negative, got [" + height + ", "
          + width + "]");
    }
    long sum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("RLE count " + i + " is negative: " + counts[i]);
      }
      sum += counts[i];
      if (sum < 0) {
        throw new IllegalArgumentException("RLE counts overflow a long");
      }
    }
    if (sum != (long) height * width) {
      throw new IllegalArgumentException("RLE counts sum to " + sum + ", not height * width = "
          + height + " * " + width + " = " + (long) height * width);
    }
    return new Rle(height, width, counts.clone());
  }

  /** Wraps counts already checked by a decoder (not copied). */
  static Rle ofChecked(int height, int width, long[] counts) {
    return new Rle(height, width, counts);
  }

  /** The RLE of a mask. */
  public static Rle encode(Mask mask) {
    return encode(mask.toByteArray(), mask.width(), mask.height());
  }

  /**
   * The RLE of a mask given as row-major bytes, {@code values[y * width + x]}, any non-zero byte
   * being set.
   *
   * @throws IllegalArgumentException if {@code values.length != width * height}
   */
  public static Rle encode(byte[] values, int width, int height) {
    if (width < 0 || height < 0 || (long) width * height != values.length) {
      throw new IllegalArgumentException("mask has " + values.length + " values, not "
          + width + "x" + height);
    }
    long[] runs = new long[64];
    int k = 0;
    boolean previous = false;
    long run = 0;
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        boolean set = values[y * width + x] != 0;
        if (set != previous) {
          if (k == runs.length) {
            runs = Arrays.copyOf(runs, 2 * k);
          }
          runs[k++] = run;
          run = 0;
          previous = set;
        }
        run++;
      }
    }
    runs = Arrays.copyOf(runs, k + 1);
    runs[k] = run;
    return new Rle(height, width, runs);
  }

  /** Mask height in pixels. */
  public int height() {
    return height;
  }

  /** Mask width in pixels. */
  public int width() {
    return width;
  }

  /** The size as COCO writes it: {@code [height, width]} (a new array). */
  public int[] size() {
    return new int[] {height, width};
  }

  /** The run lengths, zeros first, column-major (a copy). */
  public long[] counts() {
    return counts.clone();
  }

  /** Number of runs, {@code counts().length}. */
  public int runCount() {
    return counts.length;
  }

  /** Run length {@code i}, a run of zeros for even {@code i}, of ones for odd. */
  public long count(int i) {
    return counts[i];
  }

  /** Number of set pixels: the sum of the counts at odd indices (pycocotools' {@code area}). */
  public long area() {
    return area;
  }

  /**
   * The bounding box {@code {x, y, w, h}} in pixels (XYWH, as pycocotools' {@code toBbox}): the
   * box spans columns {@code x .. x + w - 1} and rows {@code y .. y + h - 1}. An empty mask has
   * {@code {0, 0, 0, 0}}. A run of ones that wraps from one column into the next spans every row.
   * Zero-length runs of ones are skipped, as current pycocotools (2.0.x) does.
   */
  public int[] bbox() {
    if (area == 0) {
      return new int[4];
    }
    long x0 = width;
    long y0 = height;
    long x1 = -1;
    long y1 = -1;
    long position = 0;
    for (int i = 0; i < counts.length; i++) {
      long start = position;
      position += counts[i];
      if (i % 2 == 0 || counts[i] == 0) {
        continue;
      }
      long xs = start / height;
      long xe = (position - 1) / height;
      x0 = Math.min(x0, xs);
      x1 = Math.max(x1, xe);
      if (xs != xe) {
        y0 = 0;
        y1 = height - 1;
      } else {
        y0 = Math.min(y0, start % height);
        y1 = Math.max(y1, (position - 1) % height);
      }
    }
    return new int[] {(int) x0, (int) y0, (int) (x1 - x0 + 1), (int) (y1 - y0 + 1)};
  }

  /**
   * The mask these runs describe.
   *
   * @throws SamException BAD_INPUT if {@code width * height} exceeds what a {@link Mask} holds
   *     ({@code Integer.MAX_VALUE - 8} pixels)
   */
  public Mask toMask() {
    long pixels = (long) width * height;
    if (pixels > Integer.MAX_VALUE - 8) {
      throw new SamException(SamException.Kind.BAD_INPUT, "an RLE of " + width + "x" + height
          + " is too large for a mask (at most " + (Integer.MAX_VALUE - 8) + " pixels)");
    }
    byte[] values = new byte[(int) pixels];
    long position = 0;
    for (int i = 0; i < counts.length; i++) {
      long end = position + counts[i];
      if (i % 2 == 1) {
        for (long p = position; p < end; p++) {
          values[(int) (p % height) * width + (int) (p / height)] = 1;
        }
      }
      position = end;
    }
    return Mask.fromBytes(values, width, height);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rle r && r.height == height && r.width == width
        && Arrays.equals(r.counts, counts);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(counts) * 31 + height) * 31 + width;
  }

  @Override
  public String toString() {
    String shown = counts.length <= 16 ? Arrays.toString(counts)
        : Arrays.toString(Arrays.copyOf(counts, 16)).replace("]", ", ...]");
    return "Rle[size [" + height + ", " + width + "], area " + area + ", " + counts.length
        + " runs " + shown + "]";
  }
}
