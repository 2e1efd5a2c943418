package io.sam4j.transform;

import java.util.stream.IntStream;

/**
 * SAM's {@code postprocess_masks}: low-res logits upsampled bilinearly (align_corners=false, as
 * PyTorch's {@code F.interpolate} computes it in float32) to the padded input size, cropped to the
 * resized image, then upsampled to the original size.
 */
public final class MaskPostprocessor {
  private MaskPostprocessor() {}

  /**
   * Full-resolution logits of one low-res mask.
   *
   * @param lowRes [lowResSize * lowResSize] logits
   * @param lowResSize side of the low-res mask (256)
   * @param paddedSize side of the padded encoder input (1024)
   * @param inputSize resized image size {H, W}
   * @param originalSize original image size {H, W}
   * @return [H * W] logits at the original size
   */
  public static float[] upscale(float[] lowRes, int lowResSize, int paddedSize, int[] inputSize,
      int[] originalSize) {
    // stage 1: lowRes -> paddedSize, only the [0, inputH) x [0, inputW) crop is kept
    float[] cropped = resize(lowRes, lowResSize, lowResSize, paddedSize, paddedSize,
        inputSize[0], inputSize[1]);
    // stage 2: crop -> original size
    return resize(cropped, inputSize[0], inputSize[1], originalSize[0], originalSize[1],
        originalSize[0], originalSize[1]);
  }

  /**
   * Bilinear resize of [inH, inW] to a virtual [outH, outW], computing only rows below {@code keepH}
   * and columns below {@code keepW}.
   */
  static float[] resize(float[] src, int inH, int inW, int outH, int outW, int keepH, int keepW) {
    Axis ax = Axis.of(inW, outW, keepW);
    Axis ay = Axis.of(inH, outH, keepH);
    float[] out = new float[keepH * keepW];
    IntStream.range(0, keepH).parallel().forEach(y -> {
      int r0 = ay.i0[y] * inW;
      int r1 = ay.i1[y] * inW;
      float h0 = ay.l0[y];
      float h1 = ay.l1[y];
      int o = y * keepW;
      for (int x = 0; x < keepW; x++) {
        int c0 = ax.i0[x];
        int c1 = ax.i1[x];
        float w0 = ax.l0[x];
        float w1 = ax.l1[x];
        float top = src[r0 + c0] * w0 + src[r0 + c1] * w1;
        float bottom = src[r1 + c0] * w0 + src[r1 + c1] * w1;
        out[o + x] = top * h0 + bottom * h1;
      }
    });
    return out;
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

    static Axis of(int in, int out, int keep) {
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
        float real = scale * (i + 0.5f) - 0.5f;
        if (real < 0) {
          real = 0;
        }
        int idx = (int) real;
        a.i0[i] = idx;
        a.i1[i] = idx + (idx < in - 1 ? 1 : 0);
        float lambda = Math.min(Math.max(real - idx, 0f), 1f);
        a.l1[i] = lambda;
        a.l0[i] = 1f - lambda;
      }
      return a;
    }
  }
}
