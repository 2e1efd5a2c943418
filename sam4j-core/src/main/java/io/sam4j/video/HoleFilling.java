package io.sam4j.video;

/**
 * {@code fill_holes_in_mask_scores} ({@code sam2/utils/misc.py}): background components
 * (logits {@code <= 0}, 8-connected) of at most {@code maxArea} pixels become 0.1, as the
 * reference's connected-components kernel finds them.
 */
final class HoleFilling {
  private HoleFilling() {}

  /** A filled copy of the square mask {@code logits} [side*side] (the same array when nothing is filled). */
  static float[] fill(float[] logits, int side, int maxArea) {
    int n = side * side;
    int[] label = new int[n];
    int[] stack = new int[n];
    float[] out = logits;
    int next = 0;
    for (int start = 0; start < n; start++) {
      if (logits[start] > 0 || label[start] != 0) {
        continue;
      }
      next++;
      int top = 0;
      int count = 0;
      stack[top++] = start;
      label[start] = next;
      int[] members = new int[Math.min(maxArea + 1, n)];
      while (top > 0) {
        int p = stack[--top];
        if (count < members.length) {
          members[count] = p;
        }
        count++;
        int y = p / side;
        int x = p % side;
        for (int dy = -1; dy <= 1; dy++) {
          int yy = y + dy;
          if (yy < 0 || yy >= side) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx;
            if (xx < 0 || xx >= side || (dx == 0 && dy == 0)) {
              continue;
            }
            int q = yy * side + xx;
            if (label[q] == 0 && !(logits[q] > 0)) {
              label[q] = next;
              stack[top++] = q;
            }
          }
        }
      }
      if (count <= maxArea) {
        if (out == logits) {
          out = logits.clone();
        }
        for (int i = 0; i < count; i++) {
          out[members[i]] = 0.1f;
        }
      }
    }
    return out;
  }
}
