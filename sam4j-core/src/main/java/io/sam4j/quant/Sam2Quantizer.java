package io.sam4j.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.DType;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.Sam2Encoders;
import io.sam4j.modeling.sam2.config.Sam2Family;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2Detector;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.Sam2Preprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Quantization of the SAM 2 family (SAM 2 / 2.1, EfficientTAM, EdgeTAM): blockwise 8, 4 or 2-bit
 * weights ({@code MatMulNBits}, float32 activations) of every linear layer of the image encoder
 * (Hiera's or the ViT's attention and MLP layers; EdgeTAM's RepViT trunk is convolutional and
 * stays float32) and of the memory attention (and EdgeTAM's Spatial Perceiver,
 * {@link MemoryLayers}), min-max or Q-SAM2 calibrated per block as for the SAM 1 family; the
 * memory attention is calibrated on clips tracked by the float32 model ({@link
 * VideoCalibration}). The directory holds the encoder graph, the memory attention's packed
 * layers, every other weight in float32 (decoder, memory encoder, object pointers) and the
 * model's config, so that {@code SamModel.load(DIR)} builds the rest as from the checkpoint:
 * images and video run from it.
 */
final class Sam2Quantizer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.Set<DType> FLOATS =
      java.util.EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);

  private Sam2Quantizer() {}

  /** Whether {@code sd} holds a SAM 2-family model. */
  static boolean isSam2(StateDict sd) {
    return sd.has("sam_mask_decoder.iou_token.weight");
  }

  /**
   * A quantized SAM 2-family model before it is written.
   *
   * @param encoder the image encoder graph: quantized, or float32 when it has no linear layer
   * @param encoderQuantized whether it is quantized (EdgeTAM's RepViT trunk: not)
   * @param encoderErrors its layers' errors
   * @param memory the memory attention's (and EdgeTAM's perceiver's) quantized layers
   */
  record Prepared(Sam2ModelSpec spec, OnnxModel encoder, boolean encoderQuantized,
      List<NBitQuantization.LayerError> encoderErrors, MemoryLayers.Result memory,
      double seconds) {
    /** Every quantized layer's errors: the encoder's, then the memory attention's. */
    List<NBitQuantization.LayerError> errors() {
      List<NBitQuantization.LayerError> all = new java.util.ArrayList<>(encoderErrors);
      all.addAll(memory.errors());
      return all;
    }
  }

  /** The spec of a checkpoint and its YAML config (or none). */
  static Sam2ModelSpec spec(StateDict sd, Path checkpoint, Path config) {
    if (config != null && !config.getFileName().toString().matches("(?i).*\\.ya?ml")) {
      throw new SamException(SamException.Kind.BAD_INPUT, checkpoint.getFileName() + " is a SAM"
          + " 2-family checkpoint: give its YAML config with --config (not a JSON spec), or none");
    }
    Sam2ModelSpec spec = config == null
        ? Sam2Detector.detect(sd, checkpoint.getFileName().toString())
        : Sam2Config.read(config);
    Sam2Detector.check(sd, spec);
    return spec;
  }

  static Quantizer.Result quantize(StateDict sd, Path checkpoint, Path config,
      List<CalibrationImages.Named> used, List<CalibrationImages.Named> heldOut,
      QuantizationSettings settings, Path out, RuntimeOptions options, long seed,
      ProgressListener progress) {
    Sam2ModelSpec spec = spec(sd, checkpoint, config);
    Prepared q = prepare(sd, spec, used.stream().map(CalibrationImages.Named::image).toList(),
        settings, options, seed, progress);
    return write(sd, checkpoint, q, used, heldOut, settings, out, options, progress);
  }

  /**
   * Calibrates and quantizes: the image encoder's linear layers on the photos, then the memory
   * attention's on clips of them tracked by the float32 model ({@link VideoCalibration}).
   */
  static Prepared prepare(StateDict sd, Sam2ModelSpec spec, List<RgbImage> images,
      QuantizationSettings settings, RuntimeOptions options, long seed,
      ProgressListener progress) {
    RuntimeOptions fp32 = new RuntimeOptions(options.threads(), true,
        RuntimeOptions.Precision.FP32);
    int side = spec.imageSize();
    Function<RgbImage, FloatTensor> input = img -> new FloatTensor(
        Sam2Preprocessor.preprocess(img, side), new long[] {1, 3, side, side});
    long t0 = System.nanoTime();
    boolean[] linear = {false};
    OnnxModel floatEncoder = Sam2Encoders.graph(new GraphBuilder("sam4j_sam2_image_encoder")
        .rewriter(seeingLinearLayers(linear)), sd, spec, List.of(),
        RuntimeOptions.Precision.FP32);
    OnnxModel encoder = floatEncoder;
    List<NBitQuantization.LayerError> encoderErrors = List.of();
    boolean encoderQuantized = linear[0];
    if (encoderQuantized) {
      Calibration.Result cal = Calibration.run(g -> Sam2Encoders.graph(g, sd, spec, List.of(),
          RuntimeOptions.Precision.FP32), input, Sam2Graphs.IMAGE, images, false,
          settings.maxRows(), seed, fp32, progress);
      NBitQuantization nbit = new NBitQuantization(settings, cal.rows(), progress);
      encoder = Sam2Encoders.graph(new GraphBuilder("sam4j_sam2_image_encoder").rewriter(nbit),
          sd, spec, List.of(), RuntimeOptions.Precision.FP32);
      progress.end();
      encoderErrors = nbit.errors();
    }
    if (encoder.hasExternalData()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the quantized encoder is over"
          + " 1.8 GB; quantize to fewer bits");
    }
    Map<String, Calibration.Rows> rows = VideoCalibration.run(sd, spec, floatEncoder, images,
        settings.maxRows(), seed + 1, fp32, progress);
    MemoryLayers.Result memory = MemoryLayers.quantize(sd, settings, rows, progress);
    if (!encoderQuantized && memory.layers().isEmpty()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, spec.name() + " has no linear"
          + " layer to quantize in its image encoder or memory attention");
    }
    return new Prepared(spec, encoder, encoderQuantized, encoderErrors, memory,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Keeps every layer float32 and sets {@code seen[0]} when a linear layer is built (EdgeTAM's
   * RepViT trunk and FPN neck have none).
   */
  private static LayerRewriter seeingLinearLayers(boolean[] seen) {
    return new LayerRewriter() {
      @Override
      public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
          Value bias) {
        seen[0] = true;
        return null;
      }

      @Override
      public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape,
          Value bias, int stride, int pad, int groups) {
        return null;
      }
    };
  }

  /** Writes a prepared model's directory (and its report) to {@code out}. */
  static Quantizer.Result write(StateDict sd, Path checkpoint, Prepared q,
      List<CalibrationImages.Named> used, List<CalibrationImages.Named> heldOut,
      QuantizationSettings settings, Path out, RuntimeOptions options,
      ProgressListener progress) {
    Sam2ModelSpec spec = q.spec();
    ObjectNode manifest = manifest(checkpoint, spec, settings, used, heldOut, q);
    manifest.put("quantize_seconds", q.seconds());
    Map<String, BlockQuantizer.Quantized> memory = q.memory().layers();
    return Quantizer.commit(out, tmp -> {
      q.encoder().writeTo(tmp, QuantizedModelDir.ENCODER);
      Map<String, Tensor> rest = new LinkedHashMap<>();
      for (String k : sd.keys()) {
        boolean quantized = k.endsWith(".weight")
            && memory.containsKey(k.substring(0, k.length() - ".weight".length()));
        if (!k.startsWith("image_encoder.") && !quantized && FLOATS.contains(sd.get(k).dtype())) {
          rest.put(k, sd.get(k));
        }
      }
      QuantizedModelDir.writeSafetensors(tmp.resolve(QuantizedModelDir.WEIGHTS), rest);
      if (!memory.isEmpty()) {
        MemoryLayers.write(tmp.resolve(MemoryLayers.FILE), memory);
      }
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(QuantizedModelDir.MANIFEST)
          .toFile(), manifest);
      ObjectNode report = Sam2QuantReport.evaluate(sd, spec, checkpoint, tmp, manifest,
          heldOut.isEmpty() ? used : heldOut, !heldOut.isEmpty(), q, options, progress);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("report.json").toFile(),
          report);
      return report;
    });
  }

  private static ObjectNode manifest(Path checkpoint, Sam2ModelSpec spec,
      QuantizationSettings s, List<CalibrationImages.Named> used,
      List<CalibrationImages.Named> heldOut, Prepared q) {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", QuantizedModelDir.FORMAT);
    m.put("version", 1);
    m.put("family", QuantizedModelDir.SAM2_FAMILY);
    m.put("model", spec.name());
    ObjectNode src = m.putObject("source");
    src.put("checkpoint", checkpoint.getFileName().toString());
    try {
      src.put("size_bytes", Files.size(checkpoint));
    } catch (java.io.IOException e) {
      src.put("size_bytes", -1);
    }
    src.put("sha256", io.sam4j.io.Sha256.of(checkpoint));
    m.put("bits", s.bits());
    m.put("method", s.method().name().toLowerCase(Locale.ROOT));
    m.put("block_size", s.blockSize());
    m.put("rows_per_layer", s.maxRows());
    m.put("scheme", s.bits() + "-bit blockwise weights (asymmetric, block " + s.blockSize()
        + ") of every linear layer of " + (q.encoderQuantized() ? "the image encoder and " : "")
        + "the memory attention" + (spec.family() == Sam2Family.EDGETAM
            ? " and the spatial perceiver" : "")
        + ", as ONNX Runtime MatMulNBits with float32 activations; convolutions, decoder and"
        + " memory encoder float32" + (q.encoderQuantized() ? ""
            : "; the image encoder float32 (no linear layer: a convolutional trunk)"));
    m.put("image_encoder", q.encoderQuantized() ? "quantized"
        : "float32: it has no linear layer (a convolutional trunk)");
    m.put("memory_attention_calibration", "the float32 tracker on a clip of each calibration"
        + " image: the image repeated for " + VideoClips.CALIBRATION_FRAMES + " frames, one box"
        + " (the central half of the image) on frame 0, propagated forward; up to "
        + s.maxRows() + " input rows per layer, sampled uniformly (reservoir)");
    m.set(MemoryLayers.MANIFEST_KEY, MemoryLayers.manifest(q.memory().layers()));
    m.put("weight_estimator", s.method() == QuantizationSettings.Method.MINMAX
        ? "min-max per block"
        : "Q-SAM2 calibration: per block, the clipping ratio minimising ||X W^T - X Q(W)^T||_F"
            + " on captured input rows (coordinate descent, min-max start)");
    ArrayNode imgs = m.putArray("calibration_images");
    used.forEach(p -> imgs.add(p.file().getFileName().toString()));
    ArrayNode held = m.putArray("held_out_images");
    heldOut.forEach(p -> held.add(p.file().getFileName().toString()));
    m.put("created", java.time.Instant.now().toString());
    ObjectNode cfg = m.putObject("sam2_config");
    cfg.put("name", spec.name());
    cfg.set("model", spec.model());
    return m;
  }

  /** The spec a manifest stores. */
  static Sam2ModelSpec spec(com.fasterxml.jackson.databind.JsonNode manifest) {
    com.fasterxml.jackson.databind.JsonNode c = manifest.path("sam2_config");
    return Sam2Config.fromModel(c.path("name").asText(), c.path("model"));
  }
}
