package io.sam4j.amg;

import java.util.ArrayList;
import java.util.List;

/** The reference's regular point grids ({@code build_point_grid}, {@code build_all_layer_point_grids}). */
public final class PointGrids {
  private PointGrids() {}

  /**
   * An n x n grid of cell centres in [0, 1], row by row (y outer, x inner), as interleaved XY pairs:
   * {@code linspace(1/(2n), 1 - 1/(2n), n)} along each axis.
   */
  public static double[] grid(int n) {
    double offset = 1.0 / (2 * n);
    double[] side = new double[n];
    for (int i = 0; i < n; i++) {
      // numpy.linspace: start + i * step, the last value exactly the stop
      side[i] = n == 1 ? offset : (i == n - 1 ? 1 - offset : offset + i * ((1 - offset - offset) / (n - 1)));
    }
    double[] out = new double[n * n * 2];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        out[(y * n + x) * 2] = side[x];
        out[(y * n + x) * 2 + 1] = side[y];
      }
    }
    return out;
  }

  /** One grid per crop layer: layer i has {@code int(n / scale^i)} points per side. */
  public static List<double[]> allLayers(int n, int layers, int scalePerLayer) {
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i <= layers; i++) {
      out.add(grid((int) (n / Math.pow(scalePerLayer, i))));
    }
    return out;
  }
}
