package io.sam4j.eval.coco;

/**
 * The evaluation of one annotation.
 *
 * @param id annotation id
 * @param imageId image id
 * @param categoryId category id
 * @param area the annotation's area (COCO {@code area}, else the mask's pixel count)
 * @param ious IoU against the original ground truth after the initial prompt (index 0) and after
 *     each refinement click; NaN where prediction and ground truth are both empty
 */
public record InstanceResult(long id, long imageId, long categoryId, double area, double[] ious) {
  public InstanceResult {
    ious = ious.clone();
  }

  @Override
  public double[] ious() {
    return ious.clone();
  }

  /** The IoU after the last click (the initial prompt when there are no clicks). */
  public double iou() {
    return ious[ious.length - 1];
  }

  /** COCO's area range: {@code "small"} (< 32²), {@code "medium"} (< 96²) or {@code "large"}. */
  public String areaRange() {
    return area < 32 * 32 ? "small" : area < 96 * 96 ? "medium" : "large";
  }
}
