package io.sam4j.amg;

/**
 * SAM 2's small-region cleaning of low-res logits ({@code SAM2Transforms.postprocess_masks} with
 * {@code max_hole_area} and {@code max_sprinkle_area}, what {@code SAM2AutomaticMaskGenerator}'s
 * {@code min_mask_region_area} sets): 8-connected regions of the background ({@code <= 0}) of at
 * most {@code maxArea} low-res pixels become 10 (holes filled), then regions of the foreground
 * ({@code > 0}) of at most {@code maxArea} become -10 (specks removed). Both are found on the
 * logits as they came in; the outer background is a region like any other.
 */
public final class LowResRegions {
  private LowResRegions() {}

  /**
   * Cleans, in place, the side x side logits at {@code logits[offset ...]}.
   *
   * @return the number of pixels changed
   */
  public static int fill(float[] logits, int offset, int side, int maxArea) {
    int n = side * side;
    boolean[] fg = new boolean[n];
    boolean[] bg = new boolean[n];
    for (int p = 0; p < n; p++) {
      fg[p] = logits[offset + p] > 0f;
      bg[p] = !fg[p];
    }
    int[] holeLabels = new int[n];
    int[] holeSizes = SmallRegions.label(bg, side, side, false, holeLabels);
    int[] speckLabels = new int[n];
    int[] speckSizes = SmallRegions.label(fg, side, side, false, speckLabels);
    int changed = 0;
    for (int p = 0; p < n; p++) {
      if (holeLabels[p] > 0 && holeSizes[holeLabels[p]] <= maxArea) {
        logits[offset + p] = 10f;
        changed++;
      } else if (speckLabels[p] > 0 && speckSizes[speckLabels[p]] <= maxArea) {
        logits[offset + p] = -10f;
        changed++;
      }
    }
    return changed;
  }
}
