package io.sam4j.video;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.runtime.FloatTensor;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How the video graphs that carry linear layers are written: the memory encoder (with its
 * compressor, EdgeTAM's Spatial Perceiver) and the memory attention (its frame part included).
 * {@link #FLOAT} writes them in float32 from the weights, as the checkpoint. A quantized model
 * directory gives a rewriter that writes its quantized layers as {@code MatMulNBits};
 * calibration gives one that exposes layers' inputs as extra outputs, and a {@code taps}
 * consumer that receives every run's outputs of those graphs.
 *
 * @param rewriter writes the weighted layers of those graphs, or null for float32
 * @param taps receives each run's outputs (all of them, by name) of those graphs, or null
 */
public record VideoLayers(LayerRewriter rewriter, Consumer<Map<String, FloatTensor>> taps) {
  /** Float32 layers, no taps. */
  public static final VideoLayers FLOAT = new VideoLayers(null, null);

  /** A builder for one of those graphs, with {@link #rewriter}. */
  GraphBuilder builder(String name) {
    return new GraphBuilder(name).rewriter(rewriter);
  }

  /** Hands a run's outputs to {@link #taps}; returns them. */
  Map<String, FloatTensor> tap(Map<String, FloatTensor> outputs) {
    if (taps != null) {
      taps.accept(outputs);
    }
    return outputs;
  }
}
