package io.sam4j.transform;

/**
 * SAM's {@code postprocess_masks}: low-res logits upsampled bilinearly (align_corners=false, in
 * float32 as PyTorch's {@code F.interpolate} computes it) to the padded input size, cropped to the
 * resized image, then resized to the original size.
 *
 * <p>The result is produced row by row from two cached rows per stage, so a mask never needs its
 * intermediate 1024x1024 image, and callers that only count or threshold never hold the full
 * float mask. One instance serves one size combination; it is not thread-safe (use one per thread).
 */
public final class MaskPostprocessor {
  /** Receives the rows of the upscaled logits in order. */
  @FunctionalInterface
  public interface RowConsumer {
    /**
     * @param y the row index at the original size
     * @param row the logits of that row (valid only during the call)
     */
    void accept(int y, float[] row);
  }

  private final int lowResSize;
  private final int inH;
  private final int inW;
  private final int outH;
  private final int outW;
  private final Axis s1x;
  private final Axis s1y;
  private final Axis s2x;
  private final Axis s2y;
  private final float[] lowH;
  private final float[] s1Row;
  private final float[][] s2Rows = new float[2][];
  private final int[] s2RowIndex = {-1, -1};
  private final float[] outRow;

  /**
   * @param lowResSize side of the low-res mask (256)
   * @param paddedSize side of the padded encoder input (1024)
   * @param inputSize resized image size {H, W}
   * @param originalSize original image size {H, W}
   */
  public MaskPostprocessor(int lowResSize, int paddedSize, int[] inputSize, int[] originalSize) {
    this(lowResSize, paddedSize, inputSize, originalSize, false);
  }

  /**
   * The SAM 2 family's {@code postprocess_masks}: the low-res logits resized straight to
   * {@code originalSize}, no padding or crop. Source positions are computed as the reference's
   * PyTorch CPU kernel does: from the float32 scale, in double precision (at exact half-way
   * positions between opposite logits, e.g. 800 / 256 columns, this decides the sign; measured on
   * the SAM 2.1 and EfficientTAM fixtures: 4 instead of 9 mask pixels off in 27 masks, and
   * min_mask_region_area's +-10 logits upscale as the reference's).
   */
  public static MaskPostprocessor direct(int lowResSize, int[] originalSize) {
    return new MaskPostprocessor(lowResSize, lowResSize, new int[] {lowResSize, lowResSize},
        originalSize, true);
  }

  private MaskPostprocessor(int lowResSize, int paddedSize, int[] inputSize, int[] originalSize,
      boolean doubleIndex) {
    this.lowResSize = lowResSize;
    this.inH = inputSize[0];
    this.inW = inputSize[1];
    this.outH = originalSize[0];
    this.outW = originalSize[1];
    s1x = Axis.of(lowResSize, paddedSize, inW, doubleIndex);
    s1y = Axis.of(lowResSize, paddedSize, inH, doubleIndex);
    s2x = Axis.of(inW, outW, outW, doubleIndex);
    s2y = Axis.of(inH, outH, outH, doubleIndex);
    lowH = new float[lowResSize * inW];
    s1Row = new float[inW];
    s2Rows[0] = new float[outW];
    s2Rows[1] = new float[outW];
    outRow = new float[outW];
  }

  /** Full-resolution logits of one low-res mask, row-major at the original size. */
  public static float[] upscale(float[] lowRes, int lowResSize, int paddedSize, int[] inputSize,
      int[] originalSize) {
    MaskPostprocessor p = new MaskPostprocessor(lowResSize, paddedSize, inputSize, originalSize);
    float[] out = new float[originalSize[0] * originalSize[1]];
    p.rows(lowRes, 0, (y, row) -> System.arraycopy(row, 0, out, y * row.length, row.length));
    return out;
  }

  /** Streams the upscaled rows of the mask stored at {@code lowRes[offset ...]}. */
  public void rows(float[] lowRes, int offset, RowConsumer consumer) {
    rows(lowRes, offset, 0, outH, consumer);
  }

  /**
   * Streams rows {@code from} (inclusive) to {@code to} (exclusive) of the upscaled mask stored at
   * {@code lowRes[offset ...]}, interpolating only the low-res rows they need: disjoint row ranges
   * of one mask can be made on different threads (one instance each).
   */
  public void rows(float[] lowRes, int offset, int from, int to, RowConsumer consumer) {
    if (from < 0 || to > outH || from > to) {
      throw new IllegalArgumentException("rows " + from + ".." + to + " of " + outH);
    }
    if (from == to) {
      return;
    }
    // stage 1, horizontal: the low-res rows behind the range, to the cropped padded width
    int first = s1y.i0[s2y.i0[from]];
    int last = s1y.i1[s2y.i1[to - 1]];
    for (int r = first; r <= last; r++) {
      horizontal(lowRes, offset + r * lowResSize, s1x, lowH, r * inW, inW);
    }
    s2RowIndex[0] = -1;
    s2RowIndex[1] = -1;
    for (int y = from; y < to; y++) {
      float[] a = stage2Row(s2y.i0[y]);
      float[] b = stage2Row(s2y.i1[y]);
      float h0 = s2y.l0[y];
      float h1 = s2y.l1[y];
      for (int x = 0; x < outW; x++) {
        outRow[x] = a[x] * h0 + b[x] * h1;
      }
      consumer.accept(y, outRow);
    }
  }

  /** Row r of stage 1 (cropped, padded size) resized horizontally to the original width. */
  private float[] stage2Row(int r) {
    for (int k = 0; k < 2; k++) {
      if (s2RowIndex[k] == r) {
        return s2Rows[k];
      }
    }
    int slot = s2RowIndex[0] < s2RowIndex[1] ? 0 : 1;
    int r0 = s1y.i0[r] * inW;
    int r1 = s1y.i1[r] * inW;
    float h0 = s1y.l0[r];
    float h1 = s1y.l1[r];
    for (int x = 0; x < inW; x++) {
      s1Row[x] = lowH[r0 + x] * h0 + lowH[r1 + x] * h1;
    }
    horizontal(s1Row, 0, s2x, s2Rows[slot], 0, outW);
    s2RowIndex[slot] = r;
    return s2Rows[slot];
  }

  private static void horizontal(float[] src, int srcOff, Axis ax, float[] dst, int dstOff,
      int n) {
    for (int x = 0; x < n; x++) {
      dst[dstOff + x] = src[srcOff + ax.i0[x]] * ax.l0[x] + src[srcOff + ax.i1[x]] * ax.l1[x];
    }
  }

  /** Source indices and weights along one axis ({@code compute_source_index_and_lambda}). */
  private static final class Axis {
    final int[] i0;
    final int[] i1;
    final float[] l0;
    final float[] l1;

    private Axis(int n) {
      i0 = new int[n];
      i1 = new int[n];
      l0 = new float[n];
      l1 = new float[n];
    }

    static Axis of(int in, int out, int keep, boolean doubleIndex) {
      Axis a = new Axis(keep);
      float scale = (float) in / out;
      for (int i = 0; i < keep; i++) {
        if (in == out) {
          a.i0[i] = i;
          a.i1[i] = i;
          a.l0[i] = 1f;
          a.l1[i] = 0f;
          continue;
        }
        float lambda;
        int idx;
        if (doubleIndex) {
          double real = Math.max(0.0, (double) scale * (i + 0.5) - 0.5);
          idx = (int) real;
          lambda = (float) Math.min(Math.max(real - idx, 0.0), 1.0);
        } else {
          float real = scale * (i + 0.5f) - 0.5f;
          if (real < 0) {
            real = 0;
          }
          idx = (int) real;
          lambda = Math.min(Math.max(real - idx, 0f), 1f);
        }
        a.i0[i] = idx;
        a.i1[i] = idx + (idx < in - 1 ? 1 : 0);
        a.l1[i] = lambda;
        a.l0[i] = 1f - lambda;
      }
      return a;
    }
  }
}
