package io.sam4j.result;

import io.sam4j.mask.Rle;
import java.util.Arrays;

/**
 * One mask found by automatic mask generation, with the reference's record fields: the mask as
 * uncompressed RLE over the whole image (column-major counts starting with zeros), its area, box
 * (XYWH), predicted IoU, the point that produced it, its stability score and the crop it came from
 * (XYWH). Immutable.
 */
public final class MaskRecord {
  private final Rle rle;
  private final int[] bbox;
  private final float predictedIou;
  private final double[] point;
  private final float stabilityScore;
  private final int[] cropBox;

  /**
   * @param rle the mask over the whole image
   * @param bbox XYWH of the mask (inclusive max corner minus min corner, as the reference)
   * @param point the prompt point (X, Y) in image pixels
   * @param cropBox XYWH of the crop
   */
  public MaskRecord(Rle rle, int[] bbox, float predictedIou, double[] point,
      float stabilityScore, int[] cropBox) {
    this.rle = rle;
    this.bbox = bbox.clone();
    this.predictedIou = predictedIou;
    this.point = point.clone();
    this.stabilityScore = stabilityScore;
    this.cropBox = cropBox.clone();
  }

  /** The mask as uncompressed RLE (column-major counts starting with zeros). */
  public Rle rle() {
    return rle;
  }

  public int height() {
    return rle.height();
  }

  public int width() {
    return rle.width();
  }

  /** Pixels in the mask. */
  public long area() {
    return rle.area();
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
    return rle.toMask();
  }

  @Override
  public String toString() {
    return "MaskRecord[area " + area() + ", bbox " + Arrays.toString(bbox) + ", iou "
        + predictedIou + ", stability " + stabilityScore + "]";
  }
}
