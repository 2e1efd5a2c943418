package io.sam4j.quant;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Outputs;
import io.sam4j.runtime.RuntimeOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs the float32 encoder over the calibration images with every weighted layer's input (and
 * each convolution's output) exposed, and keeps what quantization needs: each tensor's range
 * statistics ({@link ActivationRanges}) and, for each linear layer, a bounded random sample of its
 * input rows (at most {@code maxRows} over all images, the same number from each).
 */
final class Calibration {
  /** Sampled input rows of a linear layer: {@code count} rows of {@code in} values. */
  record Rows(float[] data, int count, int in) {}

  /**
   * What was captured.
   *
   * @param geluInputs the taps whose values go into a GELU
   */
  record Result(Map<String, CaptureRewriter.LinearLayer> linears,
      Map<String, ActivationRanges> ranges, Map<String, Rows> rows, Set<String> geluInputs) {}

  private Calibration() {}

  /**
   * @param encoder builds the encoder graph on the builder it is given
   * @param input an image's encoder input
   * @param ranges whether to collect activation ranges (int8)
   * @param maxRows rows kept per linear layer (0: none)
   * @param seed the row sampling's seed
   */
  static Result run(Function<GraphBuilder, OnnxModel> encoder, Function<RgbImage, FloatTensor> input,
      String inputName, List<RgbImage> images, boolean ranges, int maxRows, long seed,
      RuntimeOptions options, ProgressListener progress) {
    CaptureRewriter capture = new CaptureRewriter();
    OnnxModel graph = encoder.apply(new GraphBuilder("sam4j_calibration").rewriter(capture));
    Map<String, ActivationRanges> stats = new LinkedHashMap<>();
    Map<String, float[]> rows = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    int perImage = Math.max(1, maxRows / images.size());
    Random random = new Random(seed);
    try (InferenceSession s = InferenceSession.create("calibration encoder", graph, options)) {
      progress.begin("calibrating on " + images.size() + " image(s)", 0, images.size());
      for (int i = 0; i < images.size(); i++) {
        try (Outputs out = s.runKeepingOutputs(Map.of(inputName, input.apply(images.get(i))))) {
          for (String tap : capture.taps()) {
            float[] v = out.get(tap).data();
            if (ranges) {
              stats.computeIfAbsent(tap, t -> new ActivationRanges()).add(v);
            }
            String layer = tap.substring(tap.indexOf(':') + 1);
            CaptureRewriter.LinearLayer lin = capture.linears().get(layer);
            if (maxRows > 0 && lin != null && tap.equals(CaptureRewriter.inputTap(layer))) {
              int in = lin.in();
              int n = v.length / in;
              int take = Math.min(perImage, n);
              float[] acc = rows.getOrDefault(layer, new float[0]);
              int have = counts.getOrDefault(layer, 0);
              acc = Arrays.copyOf(acc, (have + take) * in);
              int[] picked = random.ints(0, n).distinct().limit(take).toArray();
              for (int k = 0; k < take; k++) {
                System.arraycopy(v, picked[k] * in, acc, (have + k) * in, in);
              }
              rows.put(layer, acc);
              counts.put(layer, have + take);
            }
          }
        }
        progress.update(i + 1);
      }
      progress.end();
    }
    Map<String, Rows> sampled = new LinkedHashMap<>();
    rows.forEach((k, v) -> sampled.put(k, new Rows(v, counts.get(k), capture.linears().get(k).in())));
    return new Result(capture.linears(), stats, sampled, capture.geluInputs());
  }
}
