package io.sam4j.eval.coco;

import io.sam4j.result.Mask;

/** COCO-format mask evaluation (mIoU). */
public final class Evaluation {
  private Evaluation() {}

  /**
   * Intersection and union of a prediction and a ground truth, and their IoU (NaN when the union
   * is empty: such instances are dropped from the mean, as EdgeSAM does).
   */
  public record Overlap(long intersection, long union) {
    /** {@code intersection / union}, NaN for an empty union. */
    public double iou() {
      return union == 0 ? Double.NaN : (double) intersection / union;
    }
  }

  /** The overlap of two masks of the same size. */
  public static Overlap overlap(Mask pred, Mask gt) {
    if (pred.width() != gt.width() || pred.height() != gt.height()) {
      throw new IllegalArgumentException("prediction " + pred.width() + "x" + pred.height()
          + " and ground truth " + gt.width() + "x" + gt.height() + " differ in size");
    }
    byte[] a = pred.toByteArray();
    byte[] b = gt.toByteArray();
    long inter = 0;
    long union = 0;
    for (int i = 0; i < a.length; i++) {
      boolean p = a[i] != 0;
      boolean g = b[i] != 0;
      if (p && g) {
        inter++;
      }
      if (p || g) {
        union++;
      }
    }
    return new Overlap(inter, union);
  }
}
