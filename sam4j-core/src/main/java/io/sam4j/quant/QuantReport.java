package io.sam4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.registry.ProgressListener;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a quantization costs and buys, measured against the float32 model in the same run: on each
 * evaluation image (held out when there are any), the embeddings' relative L2 and the mean IoU of
 * the masks of 64 grid point prompts (three masks each) and 16 grid box prompts; the encoder's
 * median time of alternating runs of both models; size on disk; resident memory added by loading
 * and running each model; and, at 4 and 2 bits, each linear layer's relative output error for
 * min-max and for the chosen method.
 */
final class QuantReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMED_RUNS = 3;

  private QuantReport() {}

  /** The report's first members: model, bits, method, scheme, which images, evaluated on what. */
  static ObjectNode header(String model, ObjectNode manifest,
      List<CalibrationImages.Named> images, boolean heldOut) {
    ObjectNode r = JSON.createObjectNode();
    r.put("model", model);
    r.put("bits", manifest.path("bits").asInt());
    r.put("method", manifest.path("method").asText());
    r.put("scheme", manifest.path("scheme").asText());
    r.put("evaluated_on", heldOut ? "held-out images" : "the calibration images (none held out)");
    ArrayNode names = r.putArray("images");
    images.forEach(n -> names.add(n.file().getFileName().toString()));
    return r;
  }

  static ObjectNode evaluate(StateDict sd, ModelSpec spec, Path checkpoint, Path dir,
      ObjectNode manifest, List<CalibrationImages.Named> images, boolean heldOut,
      List<NBitQuantization.LayerError> layers, RuntimeOptions options,
      ProgressListener progress) throws IOException {
    ObjectNode r = header(spec.name(), manifest, images, heldOut);
    RuntimeOptions fp32 = new RuntimeOptions(options.threads(), true,
        RuntimeOptions.Precision.FP32);
    progress.begin("comparing with float32 on " + images.size() + " image(s)", 0,
        images.size() + 2L * TIMED_RUNS);
    double rss0 = rssMb();
    try (SamModel ref = SamModel.fromStateDict(sd, spec, fp32);
         SamPredictor pr = ref.newPredictor()) {
      RgbImage first = images.get(0).image();
      pr.setImage(first);
      double rss1 = rssMb();
      try (SamModel q = SamModel.load(dir, null, fp32); SamPredictor pq = q.newPredictor()) {
        pq.setImage(first);
        double rss2 = rssMb();
        ObjectNode mem = r.putObject("rss_added_mb");
        mem.put("fp32", rss1 - rss0);
        mem.put("quantized", rss2 - rss1);
        double[] tf = new double[TIMED_RUNS];
        double[] tq = new double[TIMED_RUNS];
        for (int i = 0; i < TIMED_RUNS; i++) {
          tf[i] = time(() -> pr.setImage(first));
          progress.update(2L * i + 1);
          tq[i] = time(() -> pq.setImage(first));
          progress.update(2L * i + 2);
        }
        ObjectNode t = r.putObject("encoder_ms");
        t.put("fp32", median(tf));
        t.put("quantized", median(tq));
        t.put("speedup", median(tf) / median(tq));
        double l2 = 0;
        double pointIou = 0;
        double boxIou = 0;
        for (int i = 0; i < images.size(); i++) {
          RgbImage img = images.get(i).image();
          pr.setImage(img);
          pq.setImage(img);
          l2 += relL2(pq.embedding().data(), pr.embedding().data());
          pointIou += meanIou(pr.predictBatch(points(img)), pq.predictBatch(points(img)));
          boxIou += meanIou(pr.predictBatch(boxes(img)), pq.predictBatch(boxes(img)));
          progress.update(2L * TIMED_RUNS + i + 1);
        }
        int n = images.size();
        ObjectNode a = r.putObject("agreement");
        a.put("embedding_rel_l2", l2 / n);
        a.put("mask_iou_points", pointIou / n);
        a.put("mask_iou_boxes", boxIou / n);
        a.put("mask_iou_mean", (pointIou + boxIou) / (2 * n));
      }
    } finally {
      progress.end();
    }
    ObjectNode size = r.putObject("size_bytes");
    size.put("checkpoint", Files.size(checkpoint));
    size.put("quantized_dir", dirSize(dir));
    size.put("encoder_graph", Files.size(dir.resolve(QuantizedModelDir.ENCODER)));
    layers(r, layers);
    r.put("peak_rss_mb", peakRssMb());
    return r;
  }

  /** Per layer, the relative output errors of min-max and of the chosen method, and a summary. */
  static void layers(ObjectNode r, List<NBitQuantization.LayerError> layers) {
    if (layers.isEmpty()) {
      return;
    }
    ArrayNode arr = r.putArray("layers");
    double mm = 0;
    double ch = 0;
    int better = 0;
    for (NBitQuantization.LayerError e : layers) {
      ObjectNode o = arr.addObject();
      o.put("name", e.name());
      o.put("minmax_rel_error", e.minmax());
      o.put("chosen_rel_error", e.chosen());
      mm += e.minmax();
      ch += e.chosen();
      better += e.chosen() <= e.minmax() ? 1 : 0;
    }
    ObjectNode sum = r.putObject("layer_error_summary");
    sum.put("mean_minmax", mm / layers.size());
    sum.put("mean_chosen", ch / layers.size());
    sum.put("reduction", 1 - ch / mm);
    sum.put("layers_not_worse", better);
    sum.put("layers", layers.size());
  }

  /** 64 multimask point prompts on an 8x8 grid. */
  static List<Prompt> points(RgbImage img) {
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      out.add(Prompt.builder().point((i % 8 + 0.5) * img.width() / 8,
          (i / 8 + 0.5) * img.height() / 8, Label.FOREGROUND).multimask(true).build());
    }
    return out;
  }

  /** 16 single-mask box prompts: the cells of a 4x4 grid, each grown to twice its side. */
  static List<Prompt> boxes(RgbImage img) {
    List<Prompt> out = new ArrayList<>();
    double w = img.width() / 4.0;
    double h = img.height() / 4.0;
    for (int i = 0; i < 16; i++) {
      double cx = (i % 4 + 0.5) * w;
      double cy = (i / 4 + 0.5) * h;
      out.add(Prompt.builder().box(Math.max(0, cx - w), Math.max(0, cy - h),
          Math.min(img.width() - 1, cx + w), Math.min(img.height() - 1, cy + h))
          .multimask(false).build());
    }
    return out;
  }

  static double meanIou(List<Prediction> ref, List<Prediction> q) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < ref.size(); i++) {
      for (int k = 0; k < ref.get(i).size(); k++) {
        sum += ref.get(i).masks().get(k).iou(q.get(i).masks().get(k));
        n++;
      }
    }
    return sum / n;
  }

  static double relL2(float[] a, float[] ref) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - ref[i];
      num += d * d;
      den += (double) ref[i] * ref[i];
    }
    return Math.sqrt(num / den);
  }

  static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static long dirSize(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static double rssMb() {
    return status("VmRSS:");
  }

  static double peakRssMb() {
    return status("VmHWM:");
  }

  private static double status(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** A PNG of the report: per-layer errors (4, 2 bits) and the headline numbers. */
  static void chart(JsonNode report, Path png) throws IOException {
    ReportChart.write(report, png);
  }
}
