package io.sam4j.amg;

import io.sam4j.mask.Rle;
import io.sam4j.transform.MaskPostprocessor;

/**
 * Turns the low-res logits of masks decoded for one crop into candidates, as the reference's
 * {@code _process_batch} does after the IoU filter: the logits are upscaled to the crop size row
 * by row (never stored as floats), counted above {@code +offset} and {@code -offset} for the
 * stability score, thresholded at 0 for the box, and run-length encoded over the whole image.
 * Not thread-safe: one per thread.
 */
final class CropMaskAnalyzer {
  private final CropBoxes.Crop crop;
  private final int imageH;
  private final int imageW;
  private final MaskPostprocessor upscaler;
  private final byte[] mask;
  private final float stabilityOffset;
  private final float stabilityThresh;

  /**
   * @param upscaler the low-res logits to the crop's size (one per analyzer)
   */
  CropMaskAnalyzer(CropBoxes.Crop crop, int imageH, int imageW, MaskPostprocessor upscaler,
      float stabilityOffset, float stabilityThresh) {
    this.crop = crop;
    this.imageH = imageH;
    this.imageW = imageW;
    this.upscaler = upscaler;
    this.mask = new byte[crop.height() * crop.width()];
    this.stabilityOffset = stabilityOffset;
    this.stabilityThresh = stabilityThresh;
  }

  /**
   * Analyzes the mask at {@code logits[offset ...]}; null when the stability filter or the
   * crop-edge filter drops it.
   */
  MaskCandidate analyze(float[] logits, int offset, float iou, double[] point) {
    int w = crop.width();
    long[] counts = new long[2];
    int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
    float hi = stabilityOffset;
    float lo = -stabilityOffset;
    upscaler.rows(logits, offset, (y, row) -> {
      int inter = 0;
      int union = 0;
      int first = -1;
      int last = -1;
      int base = y * w;
      for (int x = 0; x < w; x++) {
        float v = row[x];
        inter += v > hi ? 1 : 0;
        union += v > lo ? 1 : 0;
        boolean on = v > 0f;
        mask[base + x] = (byte) (on ? 1 : 0);
        if (on) {
          if (first < 0) {
            first = x;
          }
          last = x;
        }
      }
      counts[0] += inter;
      counts[1] += union;
      if (first >= 0) {
        box[0] = Math.min(box[0], first);
        box[2] = Math.max(box[2], last);
        box[1] = Math.min(box[1], y);
        box[3] = y;
      }
    });
    float stability = (float) counts[0] / (float) counts[1];
    if (stabilityThresh > 0 && !(stability >= stabilityThresh)) {
      return null;
    }
    float[] b = box[2] < 0 ? new float[4] : new float[] {box[0], box[1], box[2], box[3]};
    // to image coordinates (an empty mask's box is [0, 0, 0, 0] in crop coordinates)
    b[0] += crop.x0();
    b[1] += crop.y0();
    b[2] += crop.x0();
    b[3] += crop.y0();
    if (nearCropEdge(b)) {
      return null;
    }
    double[] p = {point[0] + crop.x0(), point[1] + crop.y0()};
    return new MaskCandidate(rle(), b, iou, stability, p, crop);
  }

  /** {@code is_box_near_crop_edge}: within 20 px of a crop edge that is not an image edge. */
  private boolean nearCropEdge(float[] b) {
    float[] cropBox = {crop.x0(), crop.y0(), crop.x1(), crop.y1()};
    float[] imageBox = {0, 0, imageW, imageH};
    for (int i = 0; i < 4; i++) {
      boolean nearCrop = Math.abs(b[i] - cropBox[i]) <= 20f;
      boolean nearImage = Math.abs(b[i] - imageBox[i]) <= 20f;
      if (nearCrop && !nearImage) {
        return true;
      }
    }
    return false;
  }

  /**
   * Column-major RLE over the whole image of the current crop mask, zero outside the crop (the
   * reference's {@code uncrop_masks} then {@code mask_to_rle_pytorch}). The zero rows above and
   * below the crop end a run of ones at a column's end: a mask touching the image's lower edge
   * in a crop that starts below the top must not run on into the next column.
   */
  private Rle rle() {
    int w = crop.width();
    int h = crop.height();
    Runs runs = new Runs();
    runs.zeros((long) crop.x0() * imageH); // columns left of the crop
    for (int x = 0; x < w; x++) {
      runs.zeros(crop.y0());
      for (int y = 0; y < h; y++) {
        runs.pixel(mask[y * w + x] != 0);
      }
      runs.zeros(imageH - crop.y1());
    }
    runs.zeros((long) (imageW - crop.x1()) * imageH);
    return Rle.of(imageH, imageW, runs.finish());
  }

  /** Run lengths being built, alternating zeros and ones, starting with zeros. */
  private static final class Runs {
    private final LongList out = new LongList();
    private boolean value;
    private long run;

    void pixel(boolean on) {
      if (on != value) {
        out.add(run);
        run = 0;
        value = on;
      }
      run++;
    }

    void zeros(long n) {
      if (n == 0) {
        return;
      }
      if (value) {
        out.add(run);
        run = 0;
        value = false;
      }
      run += n;
    }

    long[] finish() {
      out.add(run);
      return out.toArray();
    }
  }

  /** A growable long array. */
  private static final class LongList {
    private long[] a = new long[64];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
