package io.sam4j.transform;

import io.sam4j.result.Mask;

/**
 * SAM's {@code postprocess_masks}: low-res logits upsampled bilinearly (align_corners=false, in
 * float32 as PyTorch's {@code F.interpolate} computes it) to the padded input size, cropped to the
 * resized image, then resized to the original size.
 *
 * <p>The result is produced row by row from two cached rows per stage, so a mask never needs its
 * intermediate 1024x1024 image, and callers that only count or threshold never hold the full
 * float mask. One instance serves one size combination; it is immutable and thread-safe (each
 * call has its own buffers, sized to the rows it makes), so that disjoint row ranges of one mask
 * can be made on different threads from one instance.
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
  /** The two stages composed per axis {x, y}, made on first use by {@link #composedRows}. */
  private volatile Taps[] taps;

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
   * of one mask can be made on different threads.
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
    Staged st = new Staged(first, last);
    for (int r = first; r <= last; r++) {
      horizontal(lowRes, offset + r * lowResSize, s1x, st.lowH, (r - first) * inW, inW);
    }
    float[] outRow = new float[outW];
    for (int y = from; y < to; y++) {
      float[] a = st.stage2Row(s2y.i0[y]);
      float[] b = st.stage2Row(s2y.i1[y]);
      float h0 = s2y.l0[y];
      float h1 = s2y.l1[y];
      for (int x = 0; x < outW; x++) {
        outRow[x] = a[x] * h0 + b[x] * h1;
      }
      consumer.accept(y, outRow);
    }
  }

  /** One {@link #rows} call's buffers: low-res rows first..last at the padded width, two rows. */
  private final class Staged {
    final int first;
    final float[] lowH;
    final float[] s1Row = new float[inW];
    final float[][] s2Rows = {new float[outW], new float[outW]};
    final int[] s2RowIndex = {-1, -1};

    Staged(int first, int last) {
      this.first = first;
      this.lowH = new float[(last - first + 1) * inW];
    }

    /** Row r of stage 1 (cropped, padded size) resized horizontally to the original width. */
    float[] stage2Row(int r) {
      for (int k = 0; k < 2; k++) {
        if (s2RowIndex[k] == r) {
          return s2Rows[k];
        }
      }
      int slot = s2RowIndex[0] < s2RowIndex[1] ? 0 : 1;
      int r0 = (s1y.i0[r] - first) * inW;
      int r1 = (s1y.i1[r] - first) * inW;
      float h0 = s1y.l0[r];
      float h1 = s1y.l1[r];
      for (int x = 0; x < inW; x++) {
        s1Row[x] = lowH[r0 + x] * h0 + lowH[r1 + x] * h1;
      }
      horizontal(s1Row, 0, s2x, s2Rows[slot], 0, outW);
      s2RowIndex[slot] = r;
      return s2Rows[slot];
    }
  }

  /**
   * {@link #rows} for callers that only threshold the logits: where it is cheaper (an output that
   * is not much larger than the resized input, such as a photo below 2 MP), the two bilinear
   * stages composed into one filter of at most three taps per axis: the low-res rows are resized
   * horizontally straight to the original width, then each output row is a weighted sum of three
   * of them, a loop the JIT vectorizes, with no intermediate rows (534x800: 0.87 against 1.36 ms
   * per mask on one core). The composed weights are products of the stages' float32 weights
   * summed in double, so values differ from {@link #rows} by float rounding (relative 1e-7): only
   * logits within rounding of zero can change sign. A single-stage upscaler ({@link #direct})
   * gives the same values as {@link #rows} except at a clamped last row or column.
   */
  public void rowsForThreshold(float[] lowRes, int offset, int from, int to,
      RowConsumer consumer) {
    if (composes()) {
      composedRows(lowRes, offset, from, to, consumer);
    } else {
      rows(lowRes, offset, from, to, consumer);
    }
  }

  /**
   * The mask {@code logits > 0} of rows {@code from .. to - 1}, as bits {@code y * W + x} of
   * {@code bits} (W the original width). Where the mask changes sign seldom enough, only pixels
   * near its edge are computed, with the composed filter (see {@link EdgeThreshold}: a 534x800
   * mask of a trained model's usual shape in a fifth of the full upscaling's time, and a 3.4 MP
   * one in far less); otherwise {@link #rowsForThreshold}'s values are thresholded. The composed
   * filter's values differ from the two stages' by float rounding, so for an output that
   * {@link #rowsForThreshold} makes in two stages (large photos) a logit within rounding of zero
   * may take the other sign. Row ranges of one mask may be made on different threads when each
   * starts on a whole word.
   */
  public void thresholdRows(float[] lowRes, int offset, int from, int to, long[] bits) {
    if (from < 0 || to > outH || from > to) {
      throw new IllegalArgumentException("rows " + from + ".." + to + " of " + outH);
    }
    if (from == to) {
      return;
    }
    Taps[] t = composedTaps();
    if (!EdgeThreshold.apply(lowRes, offset, lowResSize, t[0], t[1], from, to, bits)) {
      rowsForThreshold(lowRes, offset, from, to,
          (y, row) -> Mask.setPositiveBits(row, outW, y * outW, bits));
    }
  }

  /** Whether {@link #rowsForThreshold} takes the composed three-tap filter. */
  private boolean composes() {
    // multiply-adds per mask: composed 3 per output pixel plus the low-res rows at output width;
    // two stages 2 per output pixel plus each stage-1 row made twice over (vertical, horizontal)
    double pixels = (double) outH * outW;
    double composed = 3 * pixels + 3.0 * Math.min(lowResSize, inH) * outW;
    double staged = 2 * pixels + Math.min(inH, 2.0 * outH) * 2 * (inW + outW);
    return composed < 0.8 * staged;
  }

  /** The composed taps {x, y} (for tests). */
  Taps[] composedTapsForTest() {
    return composedTaps();
  }

  /** The composed taps {x, y}, made on first use. */
  private Taps[] composedTaps() {
    Taps[] t = taps;
    if (t == null) {
      // made at most a few times over by racing threads, all equal
      t = new Taps[] {Taps.compose(s1x, s2x, lowResSize), Taps.compose(s1y, s2y, lowResSize)};
      taps = t;
    }
    return t;
  }

  private void composedRows(float[] lowRes, int offset, int from, int to, RowConsumer consumer) {
    if (from < 0 || to > outH || from > to) {
      throw new IllegalArgumentException("rows " + from + ".." + to + " of " + outH);
    }
    if (from == to) {
      return;
    }
    Taps[] t = composedTaps();
    Taps tx = t[0];
    Taps ty = t[1];
    int first = Integer.MAX_VALUE;
    int last = -1;
    for (int y = from; y < to; y++) {
      first = Math.min(first, ty.k0[y]);
      last = Math.max(last, Math.max(ty.k1[y], ty.k2[y]));
    }
    // the low-res rows first..last at the original width
    float[] h = new float[(last - first + 1) * outW];
    float[] outRow = new float[outW];
    for (int r = first; r <= last; r++) {
      int src = offset + r * lowResSize;
      int dst = (r - first) * outW;
      for (int x = 0; x < outW; x++) {
        h[dst + x] = lowRes[src + tx.k0[x]] * tx.w0[x] + lowRes[src + tx.k1[x]] * tx.w1[x]
            + lowRes[src + tx.k2[x]] * tx.w2[x];
      }
    }
    for (int y = from; y < to; y++) {
      int a = (ty.k0[y] - first) * outW;
      int b = (ty.k1[y] - first) * outW;
      int c = (ty.k2[y] - first) * outW;
      float wa = ty.w0[y];
      float wb = ty.w1[y];
      float wc = ty.w2[y];
      for (int x = 0; x < outW; x++) {
        outRow[x] = h[a + x] * wa + h[b + x] * wb + h[c + x] * wc;
      }
      consumer.accept(y, outRow);
    }
  }

  private static void horizontal(float[] src, int srcOff, Axis ax, float[] dst, int dstOff,
      int n) {
    for (int x = 0; x < n; x++) {
      dst[dstOff + x] = src[srcOff + ax.i0[x]] * ax.l0[x] + src[srcOff + ax.i1[x]] * ax.l1[x];
    }
  }

  /**
   * Two stages along one axis composed: for each output index, three low-res indices (the
   * distinct sources in increasing order, repeated with weight 0 when fewer) and their weights.
   */
  static final class Taps {
    final int[] k0;
    final int[] k1;
    final int[] k2;
    final float[] w0;
    final float[] w1;
    final float[] w2;

    private Taps(int n) {
      k0 = new int[n];
      k1 = new int[n];
      k2 = new int[n];
      w0 = new float[n];
      w1 = new float[n];
      w2 = new float[n];
    }

    static Taps compose(Axis first, Axis second, int sources) {
      int n = second.i0.length;
      Taps t = new Taps(n);
      for (int i = 0; i < n; i++) {
        int j0 = second.i0[i];
        int j1 = second.i1[i];
        int base = Math.min(first.i0[j0], first.i0[j1]);
        double[] w = new double[3];
        int[] src = {first.i0[j0], first.i1[j0], first.i0[j1], first.i1[j1]};
        double[] wt = {(double) second.l0[i] * first.l0[j0], (double) second.l0[i] * first.l1[j0],
            (double) second.l1[i] * first.l0[j1], (double) second.l1[i] * first.l1[j1]};
        for (int k = 0; k < 4; k++) {
          int d = src[k] - base;
          if (d < 0 || d > 2) {
            throw new IllegalStateException("a composed bilinear tap spans more than 3 sources");
          }
          w[d] += wt[k];
        }
        t.k0[i] = base;
        t.k1[i] = Math.min(base + 1, sources - 1);
        t.k2[i] = Math.min(base + 2, sources - 1);
        t.w0[i] = (float) w[0];
        t.w1[i] = (float) w[1];
        t.w2[i] = (float) w[2];
      }
      return t;
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
