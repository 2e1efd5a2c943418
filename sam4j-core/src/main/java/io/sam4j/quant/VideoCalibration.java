package io.sam4j.quant;

import io.sam4j.SamModel;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.VideoLayers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Captures the inputs of the memory attention's linear layers (and EdgeTAM's Spatial
 * Perceiver's, {@link MemoryLayers#quantizable}) while the float32 model tracks a clip of each
 * calibration photo ({@link VideoClips}, {@link VideoClips#CALIBRATION_FRAMES} frames): every
 * such layer's input is an extra output of the video graphs, and a uniform random sample of at
 * most {@code maxRows} of all the rows the layer saw is kept (reservoir sampling). A layer
 * applied twice (the keys' projection of memories and of object pointers) pools both inputs.
 */
final class VideoCalibration implements LayerRewriter {
  private static final String TAP = "calib_video:";

  private final Map<String, CaptureRewriter.LinearLayer> linears = new LinkedHashMap<>();
  /** Tap output name to layer name. */
  private final Map<String, String> taps = new LinkedHashMap<>();
  private final Map<String, Reservoir> rows = new LinkedHashMap<>();
  private final int maxRows;
  private final Random random;

  private VideoCalibration(int maxRows, long seed) {
    this.maxRows = maxRows;
    this.random = new Random(seed);
  }

  /**
   * Tracks a clip of each photo with the float32 model and returns each layer's sampled input
   * rows, by layer name in graph order.
   *
   * @param encoder the float32 image encoder graph
   */
  static Map<String, Calibration.Rows> run(StateDict sd, Sam2ModelSpec spec, OnnxModel encoder,
      List<RgbImage> images, int maxRows, long seed, RuntimeOptions options,
      ProgressListener progress) {
    VideoCalibration c = new VideoCalibration(maxRows, seed);
    progress.begin("tracking " + images.size() + " calibration clip(s) of "
        + VideoClips.CALIBRATION_FRAMES + " frames (memory attention)", 0, images.size());
    try (SamModel model = SamModel.sam2FromParts(sd, spec, encoder,
        new VideoLayers(c, c::accept), options)) {
      for (int i = 0; i < images.size(); i++) {
        VideoClips.track(model::newTracker, images.get(i), VideoClips.CALIBRATION_FRAMES);
        progress.update(i + 1);
      }
    } finally {
      progress.end();
    }
    Map<String, Calibration.Rows> out = new LinkedHashMap<>();
    for (Map.Entry<String, CaptureRewriter.LinearLayer> e : c.linears.entrySet()) {
      Reservoir r = c.rows.get(e.getKey());
      if (r != null && r.count() > 0) {
        out.put(e.getKey(), new Calibration.Rows(java.util.Arrays.copyOf(r.data, r.count()
            * r.in), r.count(), r.in));
      }
    }
    return out;
  }

  @Override
  public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
      Value bias) {
    if (!MemoryLayers.quantizable(name)) {
      return null;
    }
    linears.putIfAbsent(name, new CaptureRewriter.LinearLayer(name, out, in));
    String tap = TAP + name + "#" + taps.size();
    taps.put(tap, name);
    g.output(tap, x);
    return null;
  }

  @Override
  public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias,
      int stride, int pad, int groups) {
    return null;
  }

  /** A run's outputs: the tapped layer inputs go into the reservoirs. */
  private void accept(Map<String, FloatTensor> outputs) {
    outputs.forEach((tap, t) -> {
      String layer = taps.get(tap);
      if (layer == null) {
        return;
      }
      int in = linears.get(layer).in();
      rows.computeIfAbsent(layer, l -> new Reservoir(maxRows, in)).add(t.data(), random);
    });
  }

  /** A uniform sample of at most {@code capacity} rows of all rows offered (algorithm R). */
  private static final class Reservoir {
    final float[] data;
    final int in;
    final int capacity;
    long seen;

    Reservoir(int capacity, int in) {
      this.capacity = capacity;
      this.in = in;
      this.data = new float[capacity * in];
    }

    int count() {
      return (int) Math.min(seen, capacity);
    }

    void add(float[] x, Random random) {
      int n = x.length / in;
      for (int r = 0; r < n; r++) {
        long slot = seen < capacity ? seen : random.nextLong(seen + 1);
        seen++;
        if (slot < capacity) {
          System.arraycopy(x, r * in, data, (int) slot * in, in);
        }
      }
    }
  }
}
