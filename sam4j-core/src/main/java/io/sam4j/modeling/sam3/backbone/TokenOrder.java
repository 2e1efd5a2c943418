package io.sam4j.modeling.sam3.backbone;

import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The order of the trunk's G x G tokens between blocks, as rows [1, G * G, C], and the window
 * partition of {@code vitdet.window_partition} / {@code window_unpartition} on it.
 *
 * <p>Raster order (row-major over the grid) is the reference's: a windowed block pads the grid at
 * the bottom and right with zeros to P = a multiple of the window w (after {@code norm1}, so the
 * padded tokens project to the qkv bias and take part in their windows' attention), cuts it into
 * row-major windows [(P/w)^2, w*w, C], and after the attention merges them back and crops.
 *
 * <p>Window order, for grids the window divides: the tokens stay grouped by window for the whole
 * trunk (window-major, row-major inside each window), so a windowed block's partition is a
 * reshape; only the patch embedding and the trunk's output are transposed. Every other step is per
 * token, except global attention, whose RoPE rows follow the tokens ({@link #globalPositions}).
 */
final class TokenOrder {
  private final int grid;
  private final int window;
  private final int padded;
  private final int nw;
  private final boolean windowMajor;

  private TokenOrder(int grid, int window, boolean windowMajor) {
    this.grid = grid;
    this.window = window;
    this.padded = (grid + window - 1) / window * window;
    this.nw = padded / window;
    this.windowMajor = windowMajor;
  }

  /** Raster order, padding the grid for windowed blocks when the window does not divide it. */
  static TokenOrder raster(int grid, int window) {
    return new TokenOrder(grid, window, false);
  }

  /** Window order when the window divides the grid, raster order otherwise. */
  static TokenOrder preferWindows(int grid, int window) {
    return new TokenOrder(grid, window, grid % window == 0);
  }

  /** Windows in a windowed block: {@code (P / w)^2}. */
  int windows() {
    return nw * nw;
  }

  /** The raster index of the token at each position of this order. */
  int[] rasterIndex() {
    int[] idx = new int[grid * grid];
    for (int i = 0; i < idx.length; i++) {
      if (!windowMajor) {
        idx[i] = i;
        continue;
      }
      int win = i / (window * window);
      int in = i % (window * window);
      int y = win / nw * window + in / window;
      int x = win % nw * window + in % window;
      idx[i] = y * grid + x;
    }
    return idx;
  }

  /** Rows [G * G, C] given in raster order, put in this order. */
  float[] fromRaster(float[] rows, int c) {
    int[] idx = rasterIndex();
    float[] out = new float[rows.length];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(rows, idx[i] * c, out, i * c, c);
    }
    return out;
  }

  /** The patch embedding's [1, C, G, G] as rows [1, G * G, C] in this order. */
  Value fromNchw(Layers nn, Value nchw, int c) {
    if (!windowMajor) {
      return nn.reshape(nn.transpose(nchw, 0, 2, 3, 1), 1, (long) grid * grid, c);
    }
    Value x = nn.reshape(nchw, c, nw, window, nw, window);
    return nn.reshape(nn.transpose(x, 1, 3, 2, 4, 0), 1, (long) grid * grid, c);
  }

  /** Rows in this order to the trunk's [1, C, G, G]. */
  Value toNchw(Layers nn, Value rows, int c) {
    if (!windowMajor) {
      return nn.transpose(nn.reshape(rows, 1, grid, grid, c), 0, 3, 1, 2);
    }
    Value x = nn.reshape(rows, nw, nw, window, window, c);
    return nn.reshape(nn.transpose(x, 4, 0, 2, 1, 3), 1, c, grid, grid);
  }

  /** Rows in this order to raster [1, G, G, C] (a block's output as the reference has it). */
  Value toRaster(Layers nn, Value rows, int c) {
    if (!windowMajor) {
      return nn.reshape(rows, 1, grid, grid, c);
    }
    Value x = nn.transpose(nn.reshape(rows, nw, nw, window, window, c), 0, 2, 1, 3, 4);
    return nn.reshape(x, 1, grid, grid, c);
  }

  /** Rows [1, G * G, C] (normed tokens) to windows [(P / w)^2, w * w, C], zero-padded. */
  Value toWindows(Layers nn, Value rows, int c) {
    long ww = (long) window * window;
    if (windowMajor) {
      return nn.reshape(rows, nw * nw, ww, c);
    }
    Value x = nn.reshape(rows, 1, grid, grid, c);
    int p = padded - grid;
    if (p > 0) {
      x = nn.g.op("Pad", x, nn.g.ints(0, 0, 0, 0, 0, p, p, 0));
    }
    x = nn.transpose(nn.reshape(x, nw, window, nw, window, c), 0, 2, 1, 3, 4);
    return nn.reshape(x, nw * nw, ww, c);
  }

  /** Windows [(P / w)^2, w * w, C] back to rows [1, G * G, C], the padding cropped. */
  Value fromWindows(Layers nn, Value windows, int c) {
    if (windowMajor) {
      return nn.reshape(windows, 1, (long) grid * grid, c);
    }
    Value x = nn.transpose(nn.reshape(windows, nw, nw, window, window, c), 0, 2, 1, 3, 4);
    x = nn.reshape(x, 1, padded, padded, c);
    if (padded > grid) {
      x = nn.g.op("Slice", x, nn.g.ints(0, 0), nn.g.ints(grid, grid), nn.g.ints(1, 2));
    }
    return nn.reshape(x, 1, (long) grid * grid, c);
  }

  /**
   * {@code RotaryEmbedding}'s positions for a global block: [1] = 0 in raster order (token s is
   * table row s), the raster index of each token ([1, G * G]) in window order.
   */
  Value globalPositions(GraphBuilder g) {
    if (!windowMajor) {
      return windowPositions(g);
    }
    int[] idx = rasterIndex();
    ByteBuffer b = ByteBuffer.allocate(idx.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : idx) {
      b.putLong(i);
    }
    return g.initializer("sam3.trunk.global_positions", ElemType.INT64,
        new long[] {1, idx.length}, b.flip());
  }

  /** {@code RotaryEmbedding}'s positions for a windowed block: [1] = 0 (token s is row s). */
  Value windowPositions(GraphBuilder g) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0);
    return g.initializer("sam3.trunk.window_positions", ElemType.INT64, new long[] {1}, b);
  }
}
