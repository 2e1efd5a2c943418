package io.sam4j.mask;

import io.sam4j.result.Mask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Traces a mask's outline as polygons with holes along the pixel edges.
 *
 * <p>Conventions:
 *
 * <ul>
 *   <li>One {@link Polygon} per <b>4-connected</b> component of set pixels (pixels that share an
 *       edge); pixels touching only at a corner belong to different polygons, which then touch at
 *       that corner. The holes of a polygon are the unset regions it encloses (8-connected, the
 *       complement of 4-connectivity). With this choice the inside of every polygon is connected.
 *   <li>Coordinates are pixel corners, y down (see {@link Ring}); every vertex is a corner of the
 *       boundary (no three consecutive vertices are collinear) and each ring starts at its topmost,
 *       then leftmost, vertex.
 *   <li>Exterior rings have positive shoelace area, holes negative (see {@link Ring}).
 *   <li>Every ring is simple. Where a boundary would pass twice through a corner at which two set
 *       pixels meet diagonally, it is split there into two rings that share that vertex (a hole
 *       touching the exterior or another hole at one point, as OGC simple features allow).
 *   <li>Polygons come in the raster order of their first pixel, holes in the raster order of
 *       their first (topmost, then leftmost) vertex.
 *   <li>Unsimplified, {@link Polygon#area()} of a polygon is exactly its pixel count.
 * </ul>
 *
 * <pre>{@code
 * List<Polygon> exact = MaskPolygons.trace(mask);
 * List<Polygon> smooth = MaskPolygons.trace(mask, 1.0);   // Douglas-Peucker, 1 pixel
 * }</pre>
 */
public final class MaskPolygons {
  /** Directions, indexed as the pixel sides whose edges run that way: +x, +y, -x, -y. */
  private static final int[] DX = {1, 0, -1, 0};
  private static final int[] DY = {0, 1, 0, -1};
  /**
   * Offset from an edge's start vertex to the set pixel on its left (the pixel it bounds): the
   * edge starting at vertex (vx, vy) in direction d bounds side d of pixel (vx + OX[d], vy +
   * OY[d]). Side 0 is a pixel's top edge, 1 its right, 2 its bottom, 3 its left.
   */
  private static final int[] OX = {0, -1, -1, 0};
  private static final int[] OY = {0, 0, -1, -1};

  private final int width;
  private final int height;
  private final byte[] pixels;

  private MaskPolygons(Mask mask) {
    if ((long) mask.width() * mask.height() > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("cannot trace a mask of " + mask.width() + "x"
          + mask.height() + ": at most " + Integer.MAX_VALUE / 4 + " pixels");
    }
    this.width = mask.width();
    this.height = mask.height();
    this.pixels = mask.toByteArray();
  }

  /**
   * The exact polygons of a mask (see the class comment); none for an empty mask.
   *
   * @throws IllegalArgumentException if the mask has more than {@code Integer.MAX_VALUE / 4}
   *     pixels
   */
  public static List<Polygon> trace(Mask mask) {
    return new MaskPolygons(mask).polygons();
  }

  /**
   * The polygons of a mask, each ring simplified by {@link DouglasPeucker} with {@code tolerance}
   * pixels; tolerance 0 gives the exact pixel boundary.
   *
   * @throws IllegalArgumentException if {@code tolerance} is negative or not finite
   */
  public static List<Polygon> trace(Mask mask, double tolerance) {
    DouglasPeucker.checkTolerance(tolerance);
    List<Polygon> exact = trace(mask);
    if (tolerance == 0) {
      return exact;
    }
    List<Polygon> out = new ArrayList<>(exact.size());
    for (Polygon p : exact) {
      out.add(DouglasPeucker.simplify(p, tolerance));
    }
    return List.copyOf(out);
  }

  private boolean set(int x, int y) {
    return x >= 0 && y >= 0 && x < width && y < height && pixels[y * width + x] != 0;
  }

  private List<Polygon> polygons() {
    int[] label = new int[pixels.length];
    int components = label(label);
    Ring[] exteriors = new Ring[components];
    List<List<Ring>> holes = new ArrayList<>(components);
    for (int c = 0; c < components; c++) {
      holes.add(new ArrayList<>());
    }
    BitSet visited = new BitSet(4 * pixels.length);
    for (int i = 0; i < pixels.length; i++) {
      if (pixels[i] == 0) {
        continue;
      }
      int x = i % width;
      int y = i / width;
      for (int d = 0; d < 4; d++) {
        if (!visited.get(4 * i + d) && !set(x + DX[(d + 3) & 3], y + DY[(d + 3) & 3])) {
          for (Ring ring : trace(x - OX[d], y - OY[d], d, visited)) {
            if (ring.twiceSignedArea() > 0) {
              exteriors[label[i]] = ring;
            } else {
              holes.get(label[i]).add(ring);
            }
          }
        }
      }
    }
    List<Polygon> out = new ArrayList<>(components);
    for (int c = 0; c < components; c++) {
      holes.get(c).sort(Comparator.comparingInt((Ring r) -> r.y(0)).thenComparingInt(r -> r.x(0)));
      out.add(new Polygon(exteriors[c], holes.get(c)));
    }
    return List.copyOf(out);
  }

  /**
   * Labels the 4-connected components of set pixels 0, 1, ... in raster order of their first
   * pixel; returns how many there are. Unset pixels keep label -1.
   */
  private int label(int[] label) {
    Arrays.fill(label, -1);
    int[] queue = new int[pixels.length];
    int count = 0;
    for (int start = 0; start < pixels.length; start++) {
      if (pixels[start] == 0 || label[start] >= 0) {
        continue;
      }
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      label[start] = count;
      while (head < tail) {
        int i = queue[head++];
        int x = i % width;
        int y = i / width;
        for (int d = 0; d < 4; d++) {
          int nx = x + DX[d];
          int ny = y + DY[d];
          int j = ny * width + nx;
          if (set(nx, ny) && label[j] < 0) {
            label[j] = count;
            queue[tail++] = j;
          }
        }
      }
      count++;
    }
    return count;
  }

  /**
   * Follows the boundary from the edge starting at vertex (sx, sy) in direction {@code d0}, set
   * pixels on its left, until it closes; returns it split into simple rings.
   *
   * <p>At each vertex the walk turns left if the pixel ahead-left is unset, goes straight if that
   * pixel is set and the one ahead-right is not, and turns right if both are set. Turning left
   * first keeps a ring around one pixel where two set pixels meet diagonally (4-connectivity).
   */
  private List<Ring> trace(int sx, int sy, int d0, BitSet visited) {
    IntList corners = new IntList();
    IntList saddles = new IntList();
    int vx = sx;
    int vy = sy;
    int d = d0;
    do {
      visited.set(4 * ((vy + OY[d]) * width + vx + OX[d]) + d);
      vx += DX[d];
      vy += DY[d];
      int right = (d + 3) & 3;
      int next;
      if (!set(vx + OX[d], vy + OY[d])) {
        next = (d + 1) & 3;
        if (set(vx + OX[right], vy + OY[right])) {
          saddles.add(corners.size() / 2);
        }
      } else if (set(vx + OX[right], vy + OY[right])) {
        next = right;
      } else {
        next = d;
      }
      if (next != d) {
        corners.add(vx);
        corners.add(vy);
      }
      d = next;
    } while (vx != sx || vy != sy || d != d0);
    return split(corners.toArray(), saddles.toArray());
  }

  /**
   * Splits a closed walk at the vertices it passes twice (only ever diagonal-saddle corners,
   * listed in {@code saddles} by vertex index) into simple rings.
   */
  private List<Ring> split(int[] xy, int[] saddles) {
    List<Ring> out = new ArrayList<>();
    if (saddles.length < 2) {
      out.add(Ring.wrap(startTopLeft(xy)));
      return out;
    }
    boolean[] isSaddle = new boolean[xy.length / 2];
    for (int s : saddles) {
      isSaddle[s] = true;
    }
    IntList stack = new IntList();
    Map<Long, Integer> seen = new HashMap<>();
    for (int v = 0; v < xy.length / 2; v++) {
      int x = xy[2 * v];
      int y = xy[2 * v + 1];
      Integer at = isSaddle[v] ? seen.get(key(x, y)) : null;
      if (at == null) {
        if (isSaddle[v]) {
          seen.put(key(x, y), stack.size() / 2);
        }
        stack.add(x);
        stack.add(y);
        continue;
      }
      int[] loop = stack.slice(2 * at, stack.size());
      out.add(Ring.wrap(startTopLeft(loop)));
      for (int j = at + 1; j < stack.size() / 2; j++) {
        seen.remove(key(stack.get(2 * j), stack.get(2 * j + 1)));
      }
      stack.truncate(2 * (at + 1));
    }
    out.add(Ring.wrap(startTopLeft(stack.toArray())));
    return out;
  }

  private static long key(int x, int y) {
    return ((long) x << 32) | (y & 0xffffffffL);
  }

  /** Rotates a ring so that it starts at its topmost, then leftmost, vertex. */
  private static int[] startTopLeft(int[] xy) {
    int best = 0;
    for (int v = 1; v < xy.length / 2; v++) {
      int y = xy[2 * v + 1];
      int by = xy[2 * best + 1];
      if (y < by || y == by && xy[2 * v] < xy[2 * best]) {
        best = v;
      }
    }
    int[] out = new int[xy.length];
    System.arraycopy(xy, 2 * best, out, 0, xy.length - 2 * best);
    System.arraycopy(xy, 0, out, xy.length - 2 * best, 2 * best);
    return out;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] values = new int[16];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, 2 * size);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }

    void truncate(int newSize) {
      size = newSize;
    }

    int[] slice(int from, int to) {
      return Arrays.copyOfRange(values, from, to);
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
