package io.sam4j.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.DType;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.Sam2Encoders;
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
 * stays float32), min-max or Q-SAM2 calibrated per block as for the SAM 1 family. The directory
 * holds the quantized encoder graph, every other weight in float32 (decoder, memory encoder and
 * attention, object pointers) and the model's config, so that {@code SamModel.load(DIR)} builds
 * the rest as from the checkpoint: images and video run from it.
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

  static Quantizer.Result quantize(StateDict sd, Path checkpoint, Path config,
      List<CalibrationImages.Named> used, List<CalibrationImages.Named> heldOut,
      QuantizationSettings settings, Path out, RuntimeOptions options, long seed,
      ProgressListener progress) {
    if (config != null && !config.getFileName().toString().matches("(?i).*\\.ya?ml")) {
      throw new SamException(SamException.Kind.BAD_INPUT, checkpoint.getFileName() + " is a SAM"
          + " 2-family checkpoint: give its YAML config with --config (not a JSON spec), or none");
    }
    Sam2ModelSpec spec = config == null
        ? Sam2Detector.detect(sd, checkpoint.getFileName().toString())
        : Sam2Config.read(config);
    Sam2Detector.check(sd, spec);
    RuntimeOptions fp32 = new RuntimeOptions(options.threads(), true,
        RuntimeOptions.Precision.FP32);
    int side = spec.imageSize();
    Function<RgbImage, FloatTensor> input = img -> new FloatTensor(
        Sam2Preprocessor.preprocess(img, side), new long[] {1, 3, side, side});
    List<RgbImage> images = used.stream().map(CalibrationImages.Named::image).toList();
    long t0 = System.nanoTime();
    Calibration.Result cal = Calibration.run(g -> Sam2Encoders.graph(g, sd, spec, List.of(),
        RuntimeOptions.Precision.FP32), input, Sam2Graphs.IMAGE, images, false,
        settings.maxRows(), seed, fp32, progress);
    if (cal.rows().isEmpty()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, spec.name() + "'s image encoder"
          + " has no linear layer to quantize (a convolutional trunk): quantize gains nothing");
    }
    NBitQuantization nbit = new NBitQuantization(settings, cal.rows(), progress);
    OnnxModel encoder = Sam2Encoders.graph(new GraphBuilder("sam4j_sam2_image_encoder")
        .rewriter(nbit), sd, spec, List.of(), RuntimeOptions.Precision.FP32);
    progress.end();
    if (encoder.hasExternalData()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the quantized encoder is over"
          + " 1.8 GB; quantize to fewer bits");
    }
    ObjectNode manifest = manifest(checkpoint, spec, settings, used, heldOut);
    manifest.put("quantize_seconds", (System.nanoTime() - t0) / 1e9);
    return Quantizer.commit(out, tmp -> {
      encoder.writeTo(tmp, QuantizedModelDir.ENCODER);
      Map<String, Tensor> rest = new LinkedHashMap<>();
      for (String k : sd.keys()) {
        if (!k.startsWith("image_encoder.") && FLOATS.contains(sd.get(k).dtype())) {
          rest.put(k, sd.get(k));
        }
      }
      QuantizedModelDir.writeSafetensors(tmp.resolve(QuantizedModelDir.WEIGHTS), rest);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(QuantizedModelDir.MANIFEST)
          .toFile(), manifest);
      ObjectNode report = Sam2QuantReport.evaluate(sd, spec, checkpoint, tmp, manifest,
          heldOut.isEmpty() ? used : heldOut, !heldOut.isEmpty(), nbit.errors(), options,
          progress);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("report.json").toFile(),
          report);
      return report;
    });
  }

  private static ObjectNode manifest(Path checkpoint, Sam2ModelSpec spec,
      QuantizationSettings s, List<CalibrationImages.Named> used,
      List<CalibrationImages.Named> heldOut) {
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
        + ") of every linear layer of the image encoder, as ONNX Runtime MatMulNBits with float32"
        + " activations; convolutions, decoder, memory encoder and memory attention float32");
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
