package io.sam4j.modeling.sam2;

import io.sam4j.modeling.sam2.config.PositionEmbeddingSineSpec;

/**
 * {@code PositionEmbeddingSine} of an h x w grid as a constant [C, h, w]: channels
 * {@code [0, C/2)} encode y, {@code [C/2, C)} encode x, each as interleaved
 * {@code sin(p / d_2k), cos(p / d_2k+1)} with {@code d_i = T^(2 floor(i/2) / (C/2))} and positions
 * {@code 1..n}, normalized to {@code p / (n + 1e-6) * scale} when {@code normalize}. Float32 in the
 * reference's order of operations.
 */
public final class PositionEmbeddingSine {
  private PositionEmbeddingSine() {}

  /** The encoding [numPosFeats, h, w], row-major. */
  public static float[] encode(PositionEmbeddingSineSpec spec, int h, int w) {
    int half = spec.numPosFeats() / 2;
    float[] dim = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * (i / 2)) / half;
      dim[i] = (float) Math.pow(spec.temperature(), exponent);
    }
    float[] ys = positions(spec, h);
    float[] xs = positions(spec, w);
    float[] out = new float[2 * half * h * w];
    for (int i = 0; i < half; i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[(i * h + y) * w + x] = wave(ys[y] / dim[i], i);
          out[((half + i) * h + y) * w + x] = wave(xs[x] / dim[i], i);
        }
      }
    }
    return out;
  }

  private static float wave(float v, int i) {
    return (float) (i % 2 == 0 ? Math.sin(v) : Math.cos(v));
  }

  private static float[] positions(PositionEmbeddingSineSpec spec, int n) {
    float[] p = new float[n];
    float last = (float) n + 1e-6f;
    for (int i = 0; i < n; i++) {
      p[i] = i + 1f;
      if (spec.normalize()) {
        p[i] = p[i] / last * (float) spec.scale();
      }
    }
    return p;
  }
}
