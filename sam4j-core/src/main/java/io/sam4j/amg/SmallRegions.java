package io.sam4j.amg;

import io.sam4j.mask.Rle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference's {@code remove_small_regions} and {@code postprocess_small_regions}: holes, then
 * islands, smaller than an area are removed (8-connected components, as OpenCV's
 * {@code connectedComponentsWithStats}); masks that changed lose to unchanged ones in a second NMS.
 */
public final class SmallRegions {
  /** The NMS to apply: returns kept indices. */
  @FunctionalInterface
  interface Nms {
    int[] apply(float[] boxes, float[] scores, float threshold);
  }

  private SmallRegions() {}

  static List<MaskCandidate> postprocess(List<MaskCandidate> in, int h, int w, int minArea,
      float nmsThresh, Nms nms) {
    if (in.isEmpty()) {
      return in;
    }
    List<boolean[]> masks = new ArrayList<>();
    float[] scores = new float[in.size()];
    float[] boxes = new float[in.size() * 4];
    for (int i = 0; i < in.size(); i++) {
      boolean[] m = decode(in.get(i).rle());
      boolean changed = remove(m, h, w, minArea, true);
      changed |= remove(m, h, w, minArea, false);
      masks.add(m);
      scores[i] = changed ? 0f : 1f;
      System.arraycopy(box(m, h, w), 0, boxes, 4 * i, 4);
    }
    List<MaskCandidate> out = new ArrayList<>();
    for (int k : nms.apply(boxes, scores, nmsThresh)) {
      MaskCandidate c = in.get(k);
      if (scores[k] == 0f) {
        c = new MaskCandidate(encode(masks.get(k), h, w), Arrays.copyOfRange(boxes, 4 * k, 4 * k + 4),
            c.iou(), c.stability(), c.point(), c.crop());
      }
      out.add(c);
    }
    return out;
  }

  /**
   * Removes, in place, the 8-connected regions smaller than {@code minArea}: holes (regions of
   * the background, including the outer one, are filled) or islands (regions of the mask are
   * cleared; the largest stays if all are small).
   *
   * @param mask row-major h x w
   * @return whether the mask changed
   */
  public static boolean remove(boolean[] mask, int h, int w, int minArea, boolean holes) {
    int[] labels = new int[h * w];
    int[] sizes = label(mask, h, w, holes, labels);
    int n = sizes.length;
    boolean anySmall = false;
    for (int i = 1; i < n; i++) {
      anySmall |= sizes[i] < minArea;
    }
    if (!anySmall) {
      return false;
    }
    boolean[] keep = new boolean[n];
    if (holes) {
      // fill label 0 (the mask itself) and every small background region
      keep[0] = true;
      for (int i = 1; i < n; i++) {
        keep[i] = sizes[i] < minArea;
      }
    } else {
      boolean any = false;
      for (int i = 1; i < n; i++) {
        keep[i] = sizes[i] >= minArea;
        any |= keep[i];
      }
      if (!any) {
        int largest = 1;
        for (int i = 2; i < n; i++) {
          if (sizes[i] > sizes[largest]) {
            largest = i;
          }
        }
        keep[largest] = true;
      }
    }
    for (int p = 0; p < mask.length; p++) {
      mask[p] = keep[labels[p]];
    }
    return true;
  }

  /**
   * Labels the 8-connected regions of the working mask ({@code mask xor holes}) in raster order;
   * its other pixels get label 0.
   *
   * @return the size of each label (index 0: the unlabelled pixels)
   */
  static int[] label(boolean[] mask, int h, int w, boolean holes, int[] labels) {
    int[] stack = new int[Math.max(16, h * w / 4)];
    List<Integer> sizes = new ArrayList<>();
    int zeros = 0;
    for (int p = 0; p < mask.length; p++) {
      if (mask[p] == holes) {
        zeros++;
      }
    }
    sizes.add(zeros);
    int next = 1;
    for (int start = 0; start < mask.length; start++) {
      if (mask[start] == holes || labels[start] != 0) {
        continue;
      }
      int size = 0;
      int top = 0;
      stack[top++] = start;
      labels[start] = next;
      while (top > 0) {
        int p = stack[--top];
        size++;
        int y = p / w;
        int x = p % w;
        for (int dy = -1; dy <= 1; dy++) {
          int yy = y + dy;
          if (yy < 0 || yy >= h) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx;
            int q = yy * w + xx;
            if (xx < 0 || xx >= w || mask[q] == holes || labels[q] != 0) {
              continue;
            }
            labels[q] = next;
            if (top == stack.length) {
              stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top++] = q;
          }
        }
      }
      sizes.add(size);
      next++;
    }
    return sizes.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code batched_mask_to_box}: XYXY with inclusive max corner; [0, 0, 0, 0] when empty. */
  static float[] box(boolean[] m, int h, int w) {
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (m[y * w + x]) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = y;
        }
      }
    }
    return x1 < 0 ? new float[4] : new float[] {x0, y0, x1, y1};
  }

  private static boolean[] decode(Rle rle) {
    byte[] b = rle.toMask().toByteArray();
    boolean[] m = new boolean[b.length];
    for (int i = 0; i < b.length; i++) {
      m[i] = b[i] != 0;
    }
    return m;
  }

  private static Rle encode(boolean[] m, int h, int w) {
    byte[] b = new byte[m.length];
    for (int i = 0; i < m.length; i++) {
      b[i] = (byte) (m[i] ? 1 : 0);
    }
    return Rle.encode(b, w, h);
  }
}
