package io.sam4j.result;

import java.util.Arrays;

/**
 * One mask found by automatic mask generation, with the reference's record fields: the mask as
 * uncompressed RLE over the whole image (column-major counts starting with zeros), its area, box
 * (XYWH), predicted IoU, the point that produced it, its stability score and the crop it came from
 * (XYWH). Immutable.
 */
public final class MaskRecord {
  private final int height;
  private final int width;
  private final int[] counts;
  private final long area;
  private final int[] bbox;
  private final float predictedIou;
  private final double[] point;
  private final float stabilityScore;
  private final int[] cropBox;

  /**
   * @param height image height
   * @param width image width
   * @param counts column-major RLE counts over the image, starting with a (possibly zero) run of 0s
   * @param bbox XYWH of the mask (inclusive max corner minus min corner, as the reference)
   * @param point the prompt point (X, Y) in image pixels
   * @param cropBox XYWH of the crop
   */
  public MaskRecord(int height, int width, int[] counts, int[] bbox, float predictedIou,
      double[] point, float stabilityScore, int[] cropBox) {
    long total = 0;
    long area = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("negative RLE count");
      }
      total += counts[i];
      if (i % 2 == 1) {
        area += counts[i];
      }
    }
    if (total != (long) height * width) {
      throw new IllegalArgumentException("RLE counts sum to " + total + ", not " + height + "x" + width);
    }
    this.height = height;
    this.width = width;
    this.counts = counts.clone();
    this.area = area;
    this.bbox = bbox.clone();
    this.predictedIou = predictedIou;
    this.point = point.clone();
    this.stabilityScore = stabilityScore;
    this.cropBox = cropBox.clone();
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** The RLE counts (a copy). */
  public int[] counts() {
    return counts.clone();
  }

  /** Pixels in the mask: the sum of the odd-indexed counts. */
  public long area() {
    return area;
  }

  /** XYWH box (a copy). */
  public int[] bbox() {
    return bbox.clone();
  }

  public float predictedIou() {
    return predictedIou;
  }

  /** The prompt point {X, Y} (a copy). */
  public double[] pointCoords() {
    return point.clone();
  }

  public float stabilityScore() {
    return stabilityScore;
  }

  /** XYWH of the crop the mask came from (a copy). */
  public int[] cropBox() {
    return cropBox.clone();
  }

  /** The mask, decoded. */
  public Mask mask() {
    byte[] rowMajor = new byte[height * width];
    int idx = 0;
    for (int i = 0; i < counts.length; i++) {
      if (i % 2 == 1) {
        for (int k = idx; k < idx + counts[i]; k++) {
          rowMajor[(k % height) * width + k / height] = 1;
        }
      }
      idx += counts[i];
    }
    return Mask.fromBytes(rowMajor, width, height);
  }

  @Override
  public String toString() {
    return "MaskRecord[area " + area + ", bbox " + Arrays.toString(bbox) + ", iou " + predictedIou
        + ", stability " + stabilityScore + "]";
  }
}
