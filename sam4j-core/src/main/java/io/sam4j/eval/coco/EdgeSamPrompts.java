package io.sam4j.eval.coco;

import io.sam4j.result.Mask;

/**
 * The prompts EdgeSAM's {@code evaluation/eval_mIoU.py} derives from a COCO annotation, in the
 * model's 1024-long-side input space (float32, as the reference's tensors):
 *
 * <ul>
 *   <li>box: the JSON {@code bbox} scaled by {@code (neww / W, newh / H)}, XYWH to XYXY;
 *   <li>mask centre: kornia's approximate distance transform of the 1024x1024 padded ground
 *       truth, first argmax ({@link MaskCenters#korniaCenter});
 *   <li>box centre as coded: {@code ((x0 + y0) / 2, (x1 + y1) / 2)} — the reference's bug — and
 *       the intended {@code ((x0 + x1) / 2, (y0 + y1) / 2)}.
 * </ul>
 */
public final class EdgeSamPrompts {
  /** The model's input side. */
  public static final int INPUT = 1024;

  private EdgeSamPrompts() {}

  /** {@code (newh, neww)}: {@code int(H s + 0.5), int(W s + 0.5)} with {@code s = 1024 / max(H, W)}. */
  public static int[] inputSize(int h, int w) {
    double s = INPUT * 1.0 / Math.max(h, w);
    return new int[] {(int) (h * s + 0.5), (int) (w * s + 0.5)};
  }

  /** The scale factors {@code (neww / W, newh / H)} as float32. */
  public static float[] scale(int h, int w) {
    int[] hw = inputSize(h, w);
    return new float[] {(float) ((double) hw[1] / w), (float) ((double) hw[0] / h)};
  }

  /** The box prompt XYXY in 1024 space (float32). */
  public static float[] box1024(double[] bboxXywh, int h, int w) {
    float[] s = scale(h, w);
    float x = (float) bboxXywh[0] * s[0];
    float y = (float) bboxXywh[1] * s[1];
    float bw = (float) bboxXywh[2] * s[0];
    float bh = (float) bboxXywh[3] * s[1];
    return new float[] {x, y, x + bw, y + bh};
  }

  /** EdgeSAM's box centre as coded: {@code ((x0 + y0) / 2, (x1 + y1) / 2)}. */
  public static float[] boxCenterAsCoded(float[] box) {
    return new float[] {(box[0] + box[1]) / 2, (box[2] + box[3]) / 2};
  }

  /** The intended box centre {@code ((x0 + x1) / 2, (y0 + y1) / 2)}. */
  public static float[] boxCenterIntended(float[] box) {
    return new float[] {(box[0] + box[2]) / 2, (box[1] + box[3]) / 2};
  }

  /**
   * The ground truth as the reference feeds it to the model: PyTorch nearest resize to the input
   * size ({@code src = min(floor(dst * float32(in / out)), in - 1)}), zero-padded to 1024x1024.
   */
  public static boolean[] gt1024(Mask gt) {
    int h = gt.height();
    int w = gt.width();
    int[] hw = inputSize(h, w);
    float sy = (float) h / hw[0];
    float sx = (float) w / hw[1];
    boolean[] out = new boolean[INPUT * INPUT];
    int[] srcX = new int[hw[1]];
    for (int x = 0; x < hw[1]; x++) {
      srcX[x] = Math.min((int) Math.floor(x * sx), w - 1);
    }
    for (int y = 0; y < hw[0]; y++) {
      int sy0 = Math.min((int) Math.floor(y * sy), h - 1);
      for (int x = 0; x < hw[1]; x++) {
        out[y * INPUT + x] = gt.get(srcX[x], sy0);
      }
    }
    return out;
  }

  /** EdgeSAM's mask-centre point {@code (x, y)} in 1024 space. */
  public static int[] maskCenter1024(Mask gt) {
    return MaskCenters.korniaCenter(gt1024(gt), INPUT, INPUT);
  }

  /**
   * The ground truth EdgeSAM's script actually scores against: {@link #gt1024}, cropped to the
   * input size, bilinearly resized (PyTorch, align_corners=False, float32) back to the original
   * size and thresholded at {@code > 0} — the original dilated by up to about one pixel.
   */
  public static Mask roundTrip(Mask gt) {
    int h = gt.height();
    int w = gt.width();
    int[] hw = inputSize(h, w);
    boolean[] g = gt1024(gt);
    int[][] tx = bilinearTaps(hw[1], w);
    int[][] ty = bilinearTaps(hw[0], h);
    byte[] out = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean on = false;
        for (int a = 0; a < 2 && !on; a++) {
          for (int b = 0; b < 2 && !on; b++) {
            int yy = ty[y][a];
            int xx = tx[x][b];
            on = yy >= 0 && xx >= 0 && g[yy * INPUT + xx];
          }
        }
        out[y * w + x] = (byte) (on ? 1 : 0);
      }
    }
    return Mask.fromBytes(out, w, h);
  }

  /**
   * For each output index, the source indices of PyTorch's bilinear resize that carry a non-zero
   * weight ({@code -1} for none), computed in float32 as PyTorch's CPU kernel does.
   */
  private static int[][] bilinearTaps(int in, int out) {
    float scale = (float) in / out;
    int[][] taps = new int[out][2];
    for (int d = 0; d < out; d++) {
      float src = scale * (d + 0.5f) - 0.5f;
      if (src < 0) {
        src = 0;
      }
      int i0 = (int) src;
      float l1 = src - i0;
      int i1 = i0 + (i0 < in - 1 ? 1 : 0);
      taps[d][0] = 1f - l1 > 0 ? i0 : -1;
      taps[d][1] = l1 > 0 ? i1 : -1;
    }
    return taps;
  }

  /** A mask as row-major booleans. */
  public static boolean[] bits(Mask m) {
    byte[] b = m.toByteArray();
    boolean[] out = new boolean[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] != 0;
    }
    return out;
  }
}
