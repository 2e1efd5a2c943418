package io.sam4j.video;

import java.util.Arrays;

/**
 * The clicks of one object on one frame ({@code point_inputs}): n points in the S x S network
 * frame [n*2] and their labels (1, 0, 2 and 3 for box corners), as {@code concat_points} builds
 * them. Immutable.
 */
record PointInputs(float[] coords, int[] labels) {
  PointInputs {
    coords = coords.clone();
    labels = labels.clone();
  }

  int size() {
    return labels.length;
  }

  /** These points followed by {@code more}. */
  PointInputs concat(PointInputs more) {
    float[] c = Arrays.copyOf(coords, coords.length + more.coords.length);
    System.arraycopy(more.coords, 0, c, coords.length, more.coords.length);
    int[] l = Arrays.copyOf(labels, labels.length + more.labels.length);
    System.arraycopy(more.labels, 0, l, labels.length, more.labels.length);
    return new PointInputs(c, l);
  }

  /** The decoder's prompt: these points and the prompt encoder's padding point (0, 0, -1). */
  float[] paddedCoords() {
    return Arrays.copyOf(coords, coords.length + 2);
  }

  int[] paddedLabels() {
    int[] l = Arrays.copyOf(labels, labels.length + 1);
    l[labels.length] = -1;
    return l;
  }
}
