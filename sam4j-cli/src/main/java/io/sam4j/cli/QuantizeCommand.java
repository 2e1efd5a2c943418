package io.sam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.quant.QuantizationSettings;
import io.sam4j.quant.Quantizer;
import io.sam4j.registry.TextProgress;
import io.sam4j.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j quantize}: a calibrated low-bit model directory and its report. */
@Command(
    name = "quantize",
    header = "Quantize a model with calibration images into a model directory.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Quantize a model's image encoder with a few calibration images and write a model",
        "directory that every command takes as --model DIR (no checkpoint needed any more):",
        "  --bits 8  int8 weights and activations (static, QDQ; convolutions and linear layers run",
        "            on ONNX Runtime's integer kernels); --method picks the activation ranges:",
        "            minmax (observed) or calibrated (an MSE search over clipped ranges).",
        "  --bits 4, --bits 2  blockwise weights of every linear layer (MatMulNBits); --method",
        "            calibrated chooses each block's clipping to minimise the layer's output error",
        "            on the captured activations (Q-SAM2), minmax keeps each block's full range.",
        "SAM 2-family models (SAM 2 / 2.1, EfficientTAM, EdgeTAM; give --config for a",
        "non-official file) get blockwise weights (MatMulNBits) at every --bits for the linear",
        "layers of the image encoder and of the memory attention (EdgeTAM: and its spatial",
        "perceiver; its convolutional image encoder stays float32). The memory attention is",
        "calibrated on short clips the float32 model tracks: each photo repeated for 4 frames,",
        "one box on the first. Their directories run images and video; the report adds the",
        "agreement of a tracked clip of each held-out photo.",
        "DIR holds image_encoder.onnx, weights.safetensors (decoder, float32), quantization.json",
        "(what was done, with which images), report.json and report.png (agreement with float32",
        "on held-out images, encoder time in the same run, size, memory). The report is printed.",
        "Examples:",
        "  sam4j quantize --model mobile_sam.pt --calibration photos/ --bits 8 --out mobile_sam-int8",
        "  sam4j quantize --model mobile_sam.pt --calibration photos/ --bits 4 --method calibrated \\",
        "      --out mobile_sam-w4",
        "  sam4j quantize --model sam2.1_hiera_tiny.pt --calibration photos/ --bits 4 \\",
        "      --out sam2.1-tiny-w4",
        "  sam4j predict --model mobile_sam-w4 --image dog.jpg --prompts cases.json --out out/"})
final class QuantizeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--model", required = true, paramLabel = "NAME|PATH",
      description = "A checkpoint file or a model name ('sam4j models list')")
  String model;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "Model spec JSON for what the checkpoint does not say")
  Path spec;

  @Option(names = "--config", paramLabel = "CONFIG.yaml",
      description = "The YAML config of a SAM 2-family checkpoint")
  Path config;

  @Option(names = "--calibration", required = true, split = ",", paramLabel = "DIR_OR_FILES",
      description = "Calibration photos: a directory and/or image files (comma-separated)")
  List<Path> calibration;

  @Option(names = "--images", defaultValue = "16", paramLabel = "N",
      description = "Calibration images used at most; the rest are held out for the report"
          + " (default ${DEFAULT-VALUE})")
  int images;

  @Option(names = "--bits", required = true, paramLabel = "8|4|2", description = "Bit width")
  int bits;

  @Option(names = "--method", defaultValue = "calibrated", paramLabel = "M",
      description = "minmax or calibrated (default ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--block-size", defaultValue = "32", paramLabel = "B",
      description = "Weights per scale at 4 and 2 bits (default ${DEFAULT-VALUE})")
  int blockSize;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The model directory to write (must not exist, or be empty)")
  Path out;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    if (spec != null && config != null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "give --spec or --config, not both");
    }
    QuantizationSettings s = new QuantizationSettings(bits,
        Cli.choice("--method", method, QuantizationSettings.Method.class), blockSize, images,
        QuantizationSettings.DEFAULT_ROWS);
    PrintWriter err = commandSpec.commandLine().getErr();
    Path checkpoint = ModelOptions.resolve(model, err);
    Quantizer.Result r = Quantizer.quantize(checkpoint, spec != null ? spec : config, calibration,
        s, out, new RuntimeOptions(threads.threads, true), new TextProgress(err, Cli.terminal(),
            "steps"));
    PrintWriter o = commandSpec.commandLine().getOut();
    o.println(summary(r.report(), r.dir()));
    o.flush();
    return 0;
  }

  static String summary(ObjectNode r, Path dir) {
    JsonNode a = r.path("agreement");
    JsonNode t = r.path("encoder_ms");
    JsonNode s = r.path("size_bytes");
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s, %d bits, %s -> %s%n", r.path("model").asText(),
        r.path("bits").asInt(), r.path("method").asText(), dir));
    b.append(String.format(Locale.ROOT, "  against float32 (%s):%n",
        r.path("evaluated_on").asText()));
    b.append(String.format(Locale.ROOT, "    mean mask IoU %.4f (points %.4f, boxes %.4f),"
        + " embedding rel. L2 %.4f%n", a.path("mask_iou_mean").asDouble(),
        a.path("mask_iou_points").asDouble(), a.path("mask_iou_boxes").asDouble(),
        a.path("embedding_rel_l2").asDouble()));
    if (a.has("low_res_logits_rel_l2")) {
      b.append(String.format(Locale.ROOT, "    low-res logits rel. L2 %.4f%n",
          a.path("low_res_logits_rel_l2").asDouble()));
    }
    b.append(String.format(Locale.ROOT, "    encoder %.0f ms against %.0f ms float32 (%.2fx),"
        + " same run%n", t.path("quantized").asDouble(), t.path("fp32").asDouble(),
        t.path("speedup").asDouble()));
    b.append(String.format(Locale.ROOT, "    size %.1f MB (checkpoint %.1f MB), resident memory"
        + " added %.0f MB (float32 %.0f MB)%n", s.path("quantized_dir").asDouble() / 1e6,
        s.path("checkpoint").asDouble() / 1e6, r.path("rss_added_mb").path("quantized").asDouble(),
        r.path("rss_added_mb").path("fp32").asDouble()));
    JsonNode v = r.path("video_agreement");
    if (!v.isMissingNode()) {
      b.append(String.format(Locale.ROOT, "    video: tracked masks' mean IoU %.4f, low-res"
          + " logits rel. L2 %.4f (%d frames)%n", v.path("mask_iou_mean").asDouble(),
          v.path("low_res_logits_rel_l2").asDouble(), v.path("frames").asInt()));
    }
    JsonNode l = r.path("layer_error_summary");
    if (!l.isMissingNode()) {
      b.append(String.format(Locale.ROOT, "    linear layers' relative output error: %.4f"
          + " (min-max %.4f, %.1f%% lower); %d of %d layers not worse%n",
          l.path("mean_chosen").asDouble(), l.path("mean_minmax").asDouble(),
          100 * l.path("reduction").asDouble(), l.path("layers_not_worse").asInt(),
          l.path("layers").asInt()));
    }
    JsonNode m = r.path("memory_attention_layer_error_summary");
    if (!m.isMissingNode()) {
      b.append(String.format(Locale.ROOT, "    of which the memory attention's: %.4f (min-max"
          + " %.4f, %.1f%% lower); %d of %d layers not worse%n", m.path("mean_chosen").asDouble(),
          m.path("mean_minmax").asDouble(), 100 * m.path("reduction").asDouble(),
          m.path("layers_not_worse").asInt(), m.path("layers").asInt()));
    }
    b.append("  report: ").append(dir.resolve("report.json")).append(", ")
        .append(dir.resolve("report.png"));
    return b.toString();
  }
}
