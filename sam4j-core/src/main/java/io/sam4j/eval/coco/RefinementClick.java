package io.sam4j.eval.coco;

import io.sam4j.result.Mask;
import java.util.random.RandomGenerator;

/**
 * The next click of an interactive evaluation, from the error between a prediction and the ground
 * truth.
 *
 * <p>{@link #edgeSam} is EdgeSAM's rule ({@code eval_mIoU.py} + {@code sample_point_in_mask}): on
 * the 256x256 low-res grid, {@code valid} and the padded 1024 ground truth are bilinearly
 * downsampled; {@code m = (logits > 0) * valid}, {@code g = (gt > 0) * valid}; false positives
 * ({@code m != g && g == 0}, label 0) and false negatives ({@code m != g && g == 1}, label 1) are
 * the candidates; with fewer than 10 there is no click; otherwise one candidate uniformly at
 * random, at {@code (4x, 4y)} in 1024 space.
 *
 * <p>{@link #sam2ErrorCenter} is SAM 2's deterministic alternative
 * ({@code sample_one_point_from_error_center}).
 */
public final class RefinementClick {
  /** Fewer error pixels than this give no click. */
  public static final int MIN_ERRORS = 10;

  private RefinementClick() {}

  /**
   * The low-res error map.
   *
   * @param labels per grid cell, row-major 256x256: -2 correct or ignored, 0 false positive, 1
   *     false negative
   * @param fpCount false positives
   * @param fnCount false negatives
   */
  public record ErrorMap(int side, int[] labels, int fpCount, int fnCount) {
    public ErrorMap {
      labels = labels.clone();
    }

    @Override
    public int[] labels() {
      return labels.clone();
    }

    /** Number of candidate cells. */
    public int candidates() {
      return fpCount + fnCount;
    }

    /** The {@code k}-th candidate in row-major order as {@code (x, y, label)}. */
    public int[] candidate(int k) {
      int seen = 0;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] >= 0 && seen++ == k) {
          return new int[] {i % side, i / side, labels[i]};
        }
      }
      throw new IndexOutOfBoundsException("candidate " + k + " of " + candidates());
    }
  }

  /**
   * A click {@code (x, y)} in 1024 input space with its label (1 positive, 0 negative).
   */
  public record Click(float x, float y, int label) {}

  /**
   * EdgeSAM's error map.
   *
   * @param lowResPred {@code low_res_logits > 0}, row-major {@code side x side}
   * @param gt1024 the padded 1024x1024 ground truth ({@link EdgeSamPrompts#gt1024})
   * @param inputHw the valid (unpadded) input size {@code (newh, neww)}
   */
  public static ErrorMap errorMap(boolean[] lowResPred, int side, boolean[] gt1024, int[] inputHw) {
    int n = EdgeSamPrompts.INPUT;
    double scale = (double) n / side;
    int[] labels = new int[side * side];
    int fp = 0;
    int fn = 0;
    for (int y = 0; y < side; y++) {
      int[] ys = taps(y, scale, n);
      double wy = weight(y, scale, n);
      for (int x = 0; x < side; x++) {
        int[] xs = taps(x, scale, n);
        double wx = weight(x, scale, n);
        double valid = 0;
        double gt = 0;
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            double wgt = (a == 0 ? 1 - wy : wy) * (b == 0 ? 1 - wx : wx);
            if (ys[a] < inputHw[0] && xs[b] < inputHw[1]) {
              valid += wgt;
            }
            if (gt1024[ys[a] * n + xs[b]]) {
              gt += wgt;
            }
          }
        }
        float v = (float) valid;
        float m = lowResPred[y * side + x] ? v : 0f;
        float g = gt > 0 ? v : 0f;
        int label = -2;
        if (m != g && g == 0f) {
          label = 0;
          fp++;
        } else if (m != g && g == 1f) {
          label = 1;
          fn++;
        }
        labels[y * side + x] = label;
      }
    }
    return new ErrorMap(side, labels, fp, fn);
  }

  /** PyTorch bilinear (align_corners=False) source rows {@code i0, i1} of output {@code d}. */
  private static int[] taps(int d, double scale, int in) {
    double src = Math.max(0, scale * (d + 0.5) - 0.5);
    int i0 = Math.min((int) Math.floor(src), in - 1);
    return new int[] {i0, Math.min(i0 + 1, in - 1)};
  }

  private static double weight(int d, double scale, int in) {
    double src = Math.max(0, scale * (d + 0.5) - 0.5);
    int i0 = Math.min((int) Math.floor(src), in - 1);
    return src - i0;
  }

  /**
   * EdgeSAM's click: none (empty) with fewer than {@link #MIN_ERRORS} candidates, else a uniform
   * candidate at {@code (4x, 4y)} in 1024 space.
   */
  public static java.util.Optional<Click> edgeSam(ErrorMap map, RandomGenerator rng) {
    if (map.candidates() < MIN_ERRORS) {
      return java.util.Optional.empty();
    }
    int[] c = map.candidate(rng.nextInt(map.candidates()));
    float s = (float) EdgeSamPrompts.INPUT / map.side();
    return java.util.Optional.of(new Click(c[0] * s, c[1] * s, c[2]));
  }

  /**
   * SAM 2's click at original resolution: the exact-EDT centre of the false negatives if their
   * largest distance exceeds the false positives', else of the false positives (label 0); all
   * correct gives (0, 0) with label 0.
   */
  public static Click sam2ErrorCenter(Mask pred, Mask gt) {
    int w = gt.width();
    int h = gt.height();
    byte[] p = pred.toByteArray();
    byte[] g = gt.toByteArray();
    boolean[] fn = new boolean[p.length];
    boolean[] fp = new boolean[p.length];
    for (int i = 0; i < p.length; i++) {
      fn[i] = g[i] != 0 && p[i] == 0;
      fp[i] = g[i] == 0 && p[i] != 0;
    }
    float[] dfn = MaskCenters.exactDistance(fn, w, h);
    float[] dfp = MaskCenters.exactDistance(fp, w, h);
    float mfn = max(dfn);
    float mfp = max(dfp);
    boolean positive = mfn > mfp;
    int[] xy = MaskCenters.firstArgmax(positive ? dfn : dfp, w, 0);
    return new Click(xy[0], xy[1], positive ? 1 : 0);
  }

  private static float max(float[] v) {
    float m = 0;
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
