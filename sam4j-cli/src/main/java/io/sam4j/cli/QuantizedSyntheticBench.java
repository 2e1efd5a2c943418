package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.io.TempDirs;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.modeling.sam.SyntheticVit;
import io.sam4j.quant.QuantizationSettings;
import io.sam4j.quant.Quantizer;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.SamPreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bench-synthetic --bits}: a SAM ViT with random weights of its official shapes quantized
 * by the library's {@link Quantizer} (as {@code sam4j quantize} does it) at each bit width,
 * calibrated on {@link #CALIBRATION_IMAGES} generated images, each quantized model directory
 * written to a temporary directory and measured, then every encoder timed against float32 in the
 * same process: after one untimed run of each, the runs go round fp32, then each bit width in
 * order, {@code runs} rounds, so that a change of machine load touches all alike.
 */
final class QuantizedSyntheticBench {
  /** Calibration images generated (seeds 1 and 2); the timed and compared image has seed 3. */
  static final int CALIBRATION_IMAGES = 2;
  /** The generated images' size: a 4:3 photo's, padded to the square input as photos are. */
  static final int WIDTH = 1024;
  static final int HEIGHT = 768;
  private static final Pattern LINEAR = Pattern.compile(
      "image_encoder\\.blocks\\.\\d+\\.(attn\\.qkv|attn\\.proj|mlp\\.lin1|mlp\\.lin2)\\.weight");

  private QuantizedSyntheticBench() {}

  /**
   * Writes the members of {@code --bits} into {@code out}: fp32_weights_mb,
   * linear_weights_fp32_mb, calibration, calibration_s, encoder_ms_fp32 and per bit width
   * {@code bits.<b>}: method, quantize_s, quantize_total_s, size_mb, encoder_graph_mb,
   * encoder_ms, speedup, embedding_rel_l2.
   */
  static void run(ObjectNode out, ModelSpec.VitSpec vit, List<QuantizationSettings> settings,
      int runs, int threads, ProgressListener progress) throws IOException {
    ModelSpec spec = SyntheticVit.model(vit);
    StateDict sd = SyntheticVit.weights(vit, 1);
    long all = 0;
    long linear = 0;
    for (String k : sd.keys()) {
      long bytes = sd.get(k).numel() * 4;
      all += bytes;
      linear += LINEAR.matcher(k).matches() ? bytes : 0;
    }
    out.put("fp32_weights_mb", all / 1e6);
    out.put("linear_weights_fp32_mb", linear / 1e6);
    List<RgbImage> calibration = new ArrayList<>();
    for (int i = 1; i <= CALIBRATION_IMAGES; i++) {
      calibration.add(colourField(WIDTH, HEIGHT, i));
    }
    out.put("calibration", CALIBRATION_IMAGES + " generated " + WIDTH + "x" + HEIGHT
        + " images (smooth random colour fields with flat ellipses, seeds 1.."
        + CALIBRATION_IMAGES + "); timed and compared on a third (seed "
        + (CALIBRATION_IMAGES + 1) + ")");
    RuntimeOptions fp32 = new RuntimeOptions(threads, true, RuntimeOptions.Precision.FP32);
    List<Quantizer.Encoder> encoders = new ArrayList<>(
        Quantizer.quantizeEncoder(sd, spec, calibration, settings, fp32, progress));
    out.put("calibration_s", encoders.get(0).calibrationSeconds());
    ObjectNode perBits = out.putObject("bits");
    for (Quantizer.Encoder e : encoders) {
      ObjectNode b = perBits.putObject(String.valueOf(e.settings().bits()));
      b.put("method", e.settings().method().name().toLowerCase(java.util.Locale.ROOT));
      b.put("quantize_s", e.quantizeSeconds());
      b.put("quantize_total_s", e.calibrationSeconds() + e.quantizeSeconds());
      Path tmp = TempDirs.create("sam4j-bench-quantized");
      try {
        Path dir = Quantizer.write(e, sd, tmp.resolve("model"));
        b.put("size_mb", dirBytes(dir) / 1e6);
        b.put("encoder_graph_mb",
            Files.size(dir.resolve(io.sam4j.quant.QuantizedModelDir.ENCODER)) / 1e6);
      } finally {
        TempDirs.deleteQuietly(tmp);
      }
    }
    int s = spec.imageSize();
    Map<String, FloatTensor> in = Map.of(SamGraphs.IMAGE, new FloatTensor(
        SamPreprocessor.normalizeAndPad(SamPreprocessor.resize(
            colourField(WIDTH, HEIGHT, CALIBRATION_IMAGES + 1), s), s), new long[] {1, 3, s, s}));
    List<InferenceSession> sessions = new ArrayList<>();
    try {
      OnnxModel graph = SamGraphs.encoder(sd, spec, List.of(), GraphBuilder.DEFAULT_INLINE_LIMIT,
          RuntimeOptions.Precision.FP32);
      sessions.add(InferenceSession.create("synthetic " + vit.name() + " fp32", graph, fp32));
      graph = null;
      sd = null; // the sessions hold their weights: let the float copies go before timing
      for (int i = 0; i < encoders.size(); i++) {
        sessions.add(InferenceSession.create("synthetic " + vit.name() + " "
            + encoders.get(i).settings().bits() + " bits", encoders.get(i).graph(), fp32));
        encoders.set(i, null);
      }
      time(out, perBits, sessions, in, runs, progress);
    } finally {
      sessions.forEach(InferenceSession::close);
    }
  }

  /** One untimed run of each session (its embedding kept), then {@code runs} rounds. */
  private static void time(ObjectNode out, ObjectNode perBits, List<InferenceSession> sessions,
      Map<String, FloatTensor> in, int runs, ProgressListener progress) {
    int n = sessions.size();
    float[][] embeddings = new float[n][];
    double[][] ms = new double[n][runs];
    progress.begin("encoder runs (fp32 and each bit width in turn)", 0, (long) n * (runs + 1));
    for (int k = 0; k < n; k++) {
      embeddings[k] = sessions.get(k).run(in).get(SamGraphs.IMAGE_EMBEDDINGS).data();
      progress.update(k + 1);
    }
    for (int r = 0; r < runs; r++) {
      for (int k = 0; k < n; k++) {
        long t0 = System.nanoTime();
        sessions.get(k).run(in);
        ms[k][r] = (System.nanoTime() - t0) / 1e6;
        progress.update((long) n * (r + 1) + k + 1);
      }
    }
    progress.end();
    for (double[] m : ms) {
      Arrays.sort(m);
    }
    BenchCommand.stats(out.putObject("encoder_ms_fp32"), ms[0]);
    double fp32 = BenchCommand.median(ms[0]);
    var names = perBits.fieldNames();
    for (int k = 1; k < n; k++) {
      ObjectNode b = (ObjectNode) perBits.get(names.next());
      BenchCommand.stats(b.putObject("encoder_ms"), ms[k]);
      b.put("speedup", fp32 / BenchCommand.median(ms[k]));
      b.put("embedding_rel_l2", BenchCommand.relL2(embeddings[k], embeddings[0]));
    }
  }

  /**
   * A deterministic stand-in for a photo: per channel, a sum of four smooth random waves (one to
   * four periods across the image), with eight flat-coloured ellipses on top for edges.
   */
  static RgbImage colourField(int width, int height, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] waves = new double[3 * 4][];
    for (int i = 0; i < waves.length; i++) {
      waves[i] = new double[] {rnd.nextDouble(1, 4) * 2 * Math.PI / width,
          rnd.nextDouble(1, 4) * 2 * Math.PI / height, rnd.nextDouble(2 * Math.PI),
          rnd.nextDouble(15, 40)};
    }
    double[][] ellipses = new double[8][];
    for (int i = 0; i < ellipses.length; i++) {
      ellipses[i] = new double[] {rnd.nextDouble(width), rnd.nextDouble(height),
          rnd.nextDouble(0.03, 0.25) * width, rnd.nextDouble(0.03, 0.25) * height,
          rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
    }
    byte[] rgb = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double[] hit = null;
        for (double[] e : ellipses) {
          double dx = (x - e[0]) / e[2];
          double dy = (y - e[1]) / e[3];
          if (dx * dx + dy * dy <= 1) {
            hit = e;
          }
        }
        for (int c = 0; c < 3; c++) {
          double v = 128;
          if (hit != null) {
            v = hit[4 + c];
          } else {
            for (int w = 0; w < 4; w++) {
              double[] p = waves[c * 4 + w];
              v += p[3] * Math.sin(p[0] * x + p[1] * y + p[2]);
            }
          }
          rgb[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
    return RgbImage.of(width, height, rgb);
  }

  private static long dirBytes(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
