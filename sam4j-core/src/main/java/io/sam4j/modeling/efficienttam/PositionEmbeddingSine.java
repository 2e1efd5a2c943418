package io.sam4j.modeling.efficienttam;

/**
 * The SAM 2 family's {@code PositionEmbeddingSine} ({@code normalize=True}, scale 2 pi, temperature
 * 10000) of an H x W grid: channels [sin/cos of y, sin/cos of x], {@code numPosFeats / 2} each, with
 * positions {@code (1..H) / (H + 1e-6) * 2 pi}, in float32 like the reference. A constant of the
 * grid size, computed when a graph is built.
 */
public final class PositionEmbeddingSine {
  private static final float SCALE = (float) (2 * Math.PI);

  private PositionEmbeddingSine() {}

  /**
   * The encoding [numPosFeats, h, w] (the reference's [1, C, H, W] without the batch).
   *
   * @param numPosFeats the module's {@code num_pos_feats} (the channel count, even)
   * @param temperature the module's {@code temperature} (10000)
   */
  public static float[] encode(int numPosFeats, int h, int w, double temperature) {
    if (numPosFeats % 2 != 0 || numPosFeats <= 0) {
      throw new IllegalArgumentException("num_pos_feats must be even and positive: " + numPosFeats);
    }
    int half = numPosFeats / 2;
    float[] dimT = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = 2 * (float) Math.floor(i / 2.0) / half;
      dimT[i] = (float) Math.pow(temperature, exponent);
    }
    float[] out = new float[numPosFeats * h * w];
    float eps = 1e-6f;
    for (int y = 0; y < h; y++) {
      float ye = (y + 1) / (h + eps) * SCALE;
      for (int x = 0; x < w; x++) {
        float xe = (x + 1) / (w + eps) * SCALE;
        for (int i = 0; i < half; i++) {
          float py = ye / dimT[i];
          float px = xe / dimT[i];
          // stack((p[0::2].sin(), p[1::2].cos()), dim).flatten: even channels sin, odd cos
          out[(i * h + y) * w + x] = (float) (i % 2 == 0 ? Math.sin(py) : Math.cos(py));
          out[((half + i) * h + y) * w + x] = (float) (i % 2 == 0 ? Math.sin(px) : Math.cos(px));
        }
      }
    }
    return out;
  }
}
