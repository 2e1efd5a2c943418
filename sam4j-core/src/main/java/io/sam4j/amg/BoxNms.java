package io.sam4j.amg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Non-maximum suppression over XYXY boxes, in float32 as torchvision computes it: areas are
 * {@code (x1 - x0) * (y1 - y0)}, a box is suppressed when its IoU with a kept, higher-scoring box
 * is above the threshold; ties in score keep index order.
 */
public final class BoxNms {
  private BoxNms() {}

  /**
   * Greedy NMS.
   *
   * @param boxes XYXY, 4 per box
   * @return indices of kept boxes, by decreasing score
   */
  public static int[] standard(float[] boxes, float[] scores, float threshold) {
    int[] order = order(scores);
    int n = order.length;
    boolean[] suppressed = new boolean[n];
    List<Integer> keep = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      int i = order[a];
      if (suppressed[i]) {
        continue;
      }
      keep.add(i);
      for (int b = a + 1; b < n; b++) {
        int j = order[b];
        if (!suppressed[j] && iou(boxes, i, j) > threshold) {
          suppressed[j] = true;
        }
      }
    }
    return keep.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * YOLACT's Fast NMS: a box is dropped when any higher-scoring box (kept or not) overlaps it above
   * the threshold. Fewer boxes survive than with greedy NMS, in one pass.
   */
  public static int[] fast(float[] boxes, float[] scores, float threshold) {
    int[] order = order(scores);
    int n = order.length;
    boolean[] drop = new boolean[n];
    IntStream.range(1, n).parallel().forEach(b -> {
      int j = order[b];
      for (int a = 0; a < b; a++) {
        if (iou(boxes, order[a], j) > threshold) {
          drop[b] = true;
          return;
        }
      }
    });
    return IntStream.range(0, n).filter(b -> !drop[b]).map(b -> order[b]).toArray();
  }

  /** Indices sorted by decreasing score, stable. */
  static int[] order(float[] scores) {
    return IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]))
        .mapToInt(Integer::intValue).toArray();
  }

  static float iou(float[] b, int i, int j) {
    float areaI = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
    float areaJ = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
    float w = Math.max(0f, Math.min(b[4 * i + 2], b[4 * j + 2]) - Math.max(b[4 * i], b[4 * j]));
    float h = Math.max(0f, Math.min(b[4 * i + 3], b[4 * j + 3]) - Math.max(b[4 * i + 1], b[4 * j + 1]));
    float inter = w * h;
    return inter / (areaI + areaJ - inter);
  }
}
