package io.sam4j.video;

/**
 * One frame through the image encoder: the raw top-level features [C, e, e], the same plus
 * {@code no_mem_embed} (what an initial conditioning frame's decoder reads), and the decoder's
 * high-resolution features (empty when the model has none).
 */
record FrameFeatures(int frameIdx, float[] visionFeatures, float[] withNoMemEmbed,
    float[][] highRes, long[][] highResShapes) {

  /** Approximate heap bytes. */
  long bytes() {
    long n = visionFeatures.length + (long) withNoMemEmbed.length;
    for (float[] h : highRes) {
      n += h.length;
    }
    return 4 * n;
  }
}
