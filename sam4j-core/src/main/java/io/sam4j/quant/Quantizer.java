package io.sam4j.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.SamPreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Quantizes a model with a few calibration images and writes a self-contained model directory
 * ({@link QuantizedModelDir}) that {@code SamModel.load} opens without the checkpoint.
 *
 * <pre>{@code
 * Quantizer.Result r = Quantizer.quantize(Path.of("mobile_sam.pt"), null,
 *     List.of(Path.of("photos/")), QuantizationSettings.of(4, Method.CALIBRATED),
 *     Path.of("mobile_sam-w4"), RuntimeOptions.defaults(), ProgressListener.NONE);
 * try (SamModel m = SamModel.load(Path.of("mobile_sam-w4"))) { ... }
 * }</pre>
 *
 * <p>The directory is written under a hidden temporary name beside {@code out} and renamed at
 * the end: an interrupted run leaves no half-written model.
 *
 * <p>Weights already in memory (random ones of the official shapes, say) go through
 * {@link #quantizeEncoder}, one calibration pass for several widths, and {@link #write}:
 * <pre>{@code
 * List<Quantizer.Encoder> q = Quantizer.quantizeEncoder(sd, spec, images,
 *     List.of(QuantizationSettings.of(8, Method.CALIBRATED), QuantizationSettings.of(4, Method.MINMAX)),
 *     RuntimeOptions.defaults(), ProgressListener.NONE);
 * Quantizer.write(q.get(1), sd, Path.of("vit_h-w4"));
 * }</pre>
 */
public final class Quantizer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20261203L;

  /**
   * A finished quantization.
   *
   * @param dir the model directory
   * @param report what {@code report.json} holds
   */
  public record Result(Path dir, ObjectNode report) {}

  /**
   * An image encoder quantized in memory by {@link #quantizeEncoder}, not yet written.
   *
   * @param settings what it was quantized with
   * @param graph the quantized encoder graph (input {@code image} [1, 3, S, S], normalized and
   *     padded; output {@code image_embeddings})
   * @param manifest what {@value QuantizedModelDir#MANIFEST} will hold
   * @param calibrationSeconds the float32 calibration pass (shared by the settings of one call)
   * @param quantizeSeconds this setting's weight quantization and graph build
   */
  public record Encoder(QuantizationSettings settings, OnnxModel graph, ObjectNode manifest,
      double calibrationSeconds, double quantizeSeconds) {}

  private record Calibrated(Calibration.Result result, double seconds) {}

  private record Built(OnnxModel graph, ObjectNode details,
      List<NBitQuantization.LayerError> errors, double seconds) {}

  private Quantizer() {}

  /**
   * Quantizes {@code checkpoint}.
   *
   * @param specFile the model's JSON spec, or null
   * @param calibration image files and/or directories of images
   * @param out the model directory to write: must not exist, or be empty
   */
  public static Result quantize(Path checkpoint, Path specFile, List<Path> calibration,
      QuantizationSettings settings, Path out, RuntimeOptions options,
      ProgressListener progress) {
    checkOut(out);
    List<CalibrationImages.Named> files = CalibrationImages.load(calibration);
    List<CalibrationImages.Named> used = files.subList(0,
        Math.min(settings.maxImages(), files.size()));
    List<CalibrationImages.Named> heldOut = files.subList(used.size(), files.size());
    StateDict sd = CheckpointReader.read(checkpoint);
    if (Sam2Quantizer.isSam2(sd)) {
      return Sam2Quantizer.quantize(sd, checkpoint, specFile, used, heldOut, settings, out,
          options, SEED, progress);
    }
    if (sd.keys().stream().noneMatch(k -> k.startsWith("image_encoder."))
        || sd.keys().stream().noneMatch(k -> k.startsWith("mask_decoder."))) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, checkpoint.getFileName()
          + " is neither a SAM 1-family checkpoint (SAM, MobileSAM, EdgeSAM) nor a SAM 2-family one"
          + " (SAM 2, EfficientTAM, EdgeTAM): quantize supports those");
    }
    ModelSpec spec = SpecDetector.detect(sd, specFile);
    List<RgbImage> images = used.stream().map(CalibrationImages.Named::image).toList();
    Calibrated cal = calibrate(sd, spec, images, List.of(settings), options, progress);
    Built built = build(sd, spec, cal.result(), settings, progress);
    ObjectNode manifest = manifest(sourceOf(checkpoint), spec, settings, names(used),
        names(heldOut));
    manifest.setAll(built.details());
    manifest.put("quantize_seconds", cal.seconds() + built.seconds());
    return commit(out, tmp -> {
      writeModel(tmp, built.graph(), sd, manifest);
      ObjectNode report = QuantReport.evaluate(sd, spec, checkpoint, tmp, manifest,
          heldOut.isEmpty() ? used : heldOut, !heldOut.isEmpty(), built.errors(), options,
          progress);
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("report.json").toFile(),
          report);
      return report;
    });
  }

  /**
   * Quantizes the image encoder of a SAM 1-family state dict held in memory (weights that come
   * from no file, such as {@code bench-synthetic}'s random ones) at each of {@code settings},
   * calibrated once on {@code images} for all of them, and writes nothing ({@link #write} stores
   * one). Unlike {@link #quantize}, no report is made.
   *
   * @param sd at least the {@code image_encoder.*} weights
   * @param images calibration images of any size (resized and padded as the model does)
   * @return one encoder per setting, in order
   */
  public static List<Encoder> quantizeEncoder(StateDict sd, ModelSpec spec, List<RgbImage> images,
      List<QuantizationSettings> settings, RuntimeOptions options, ProgressListener progress) {
    if (images.isEmpty() || settings.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "quantizing needs at least one"
          + " calibration image and one setting");
    }
    Calibrated cal = calibrate(sd, spec, images, settings, options, progress);
    ObjectNode source = JSON.createObjectNode();
    source.put("state_dict", sd.format());
    source.put("parameters", sd.parameterCount());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      names.add("in-memory image " + (i + 1) + " (" + images.get(i).width() + "x"
          + images.get(i).height() + ")");
    }
    List<Encoder> out = new ArrayList<>();
    for (QuantizationSettings s : settings) {
      Built built = build(sd, spec, cal.result(), s, progress);
      ObjectNode manifest = manifest(source, spec, s, names, List.of());
      manifest.setAll(built.details());
      manifest.put("calibration_shared_by", settings.size());
      manifest.put("quantize_seconds", cal.seconds() + built.seconds());
      out.add(new Encoder(s, built.graph(), manifest, cal.seconds(), built.seconds()));
    }
    return out;
  }

  /**
   * Writes a model directory for {@code encoder}: its graph, the prompt encoder's and mask
   * decoder's weights found in {@code sd} (none in an encoder-only state dict: such a directory
   * is for measuring, {@code SamModel.load} needs them) and the manifest, without a report; like
   * {@link #quantize}, through a hidden temporary directory renamed at the end.
   *
   * @param out must not exist, or be empty
   * @return {@code out}
   */
  public static Path write(Encoder encoder, StateDict sd, Path out) {
    checkOut(out);
    return commit(out, tmp -> {
      writeModel(tmp, encoder.graph(), sd, encoder.manifest());
      return null;
    }).dir();
  }

  /** One calibration pass for all {@code settings}: ranges for 8 bits, rows for 4 and 2. */
  private static Calibrated calibrate(StateDict sd, ModelSpec spec, List<RgbImage> images,
      List<QuantizationSettings> settings, RuntimeOptions options, ProgressListener progress) {
    RuntimeOptions fp32 = new RuntimeOptions(options.threads(), true,
        RuntimeOptions.Precision.FP32);
    int side = spec.imageSize();
    Function<RgbImage, FloatTensor> input = img -> new FloatTensor(
        SamPreprocessor.normalizeAndPad(SamPreprocessor.resize(img, side), side),
        new long[] {1, 3, side, side});
    boolean ranges = settings.stream().anyMatch(s -> s.bits() == 8);
    int rows = settings.stream().filter(s -> s.bits() < 8)
        .mapToInt(QuantizationSettings::maxRows).max().orElse(0);
    long t0 = System.nanoTime();
    Calibration.Result cal = Calibration.run(g -> SamGraphs.encoder(g, sd, spec), input,
        SamGraphs.IMAGE, images, ranges, rows, SEED, fp32, progress);
    return new Calibrated(cal, (System.nanoTime() - t0) / 1e9);
  }

  /** The quantized encoder graph for one setting, and what the manifest says of it. */
  private static Built build(StateDict sd, ModelSpec spec, Calibration.Result cal,
      QuantizationSettings settings, ProgressListener progress) {
    long t0 = System.nanoTime();
    ObjectNode manifest = JSON.createObjectNode();
    LayerRewriter rewriter;
    NBitQuantization nbit = null;
    if (settings.bits() == 8) {
      Map<String, float[]> ranges = new LinkedHashMap<>();
      // calibrated: the MSE search for the convolutions' tensors (on the GELU's output for those
      // a GELU takes, with the maximum kept); the linear layers' inputs keep
      // their observed range (their rare large values, from the norms' gains, matter: clipping
      // them by MSE took the fixture's embedding error from 0.08 to 0.15)
      cal.ranges().forEach((tap, r) -> ranges.put(tap,
          settings.method() == QuantizationSettings.Method.MINMAX
              || cal.linears().containsKey(tap.substring(tap.indexOf(':') + 1))
              ? r.minmax() : cal.geluInputs().contains(tap) ? r.geluOptimal() : r.mseOptimal()));
      rewriter = new QdqRewriter(ranges);
      manifest.put("scheme", "int8 static QDQ: weights int8 per output channel (symmetric),"
          + " activations uint8 per tensor; convolutions and linear layers of the image encoder;"
          + " GELUs between convolutions on uint8 as x * sigmoid(1.702 x)");
      manifest.put("activation_estimator", settings.method() == QuantizationSettings.Method.MINMAX
          ? "min-max of the calibration activations"
          : "convolutions' inputs and outputs: MSE search (observed range shrunk by 1.0..0.3, least"
              + " squared uint8 error of a sample); GELU inputs: observed maximum, minimum shrunk"
              + " to the least squared error of the GELU's output; linear layers' inputs: min-max");
    } else {
      nbit = new NBitQuantization(settings, cal.rows(), progress);
      rewriter = nbit;
      manifest.put("scheme", settings.bits() + "-bit blockwise weights (asymmetric, block "
          + settings.blockSize() + ") of every linear layer of the image encoder, as ONNX Runtime"
          + " MatMulNBits with float32 activations; convolutions and the decoder float32");
      manifest.put("weight_estimator", settings.method() == QuantizationSettings.Method.MINMAX
          ? "min-max per block"
          : "Q-SAM2 calibration: per block, the clipping ratio minimising ||X W^T - X Q(W)^T||_F"
              + " on captured input rows (coordinate descent, min-max start)");
    }
    OnnxModel encoder = SamGraphs.encoder(new GraphBuilder("sam4j_image_encoder")
        .rewriter(rewriter), sd, spec);
    if (nbit != null) {
      progress.end();
    }
    if (encoder.hasExternalData()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the quantized encoder is over"
          + " 1.8 GB; quantize to fewer bits");
    }
    return new Built(encoder, manifest, nbit == null ? List.of() : nbit.errors(),
        (System.nanoTime() - t0) / 1e9);
  }

  /** The encoder graph, the decoder's weights in {@code sd} and the manifest, into {@code dir}. */
  private static void writeModel(Path dir, OnnxModel encoder, StateDict sd, ObjectNode manifest)
      throws IOException {
    encoder.writeTo(dir, QuantizedModelDir.ENCODER);
    Map<String, Tensor> decoder = new LinkedHashMap<>();
    for (String k : sd.keys()) {
      if (k.startsWith("prompt_encoder.") || k.startsWith("mask_decoder.")) {
        decoder.put(k, sd.get(k));
      }
    }
    QuantizedModelDir.writeSafetensors(dir.resolve(QuantizedModelDir.WEIGHTS), decoder);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(QuantizedModelDir.MANIFEST)
        .toFile(), manifest);
  }

  /** Writes a model directory's files into a temporary directory; returns the report (or null). */
  interface DirWriter {
    ObjectNode write(Path tmp) throws IOException;
  }

  /**
   * Has {@code writer} fill a hidden temporary directory beside {@code out}, draws the report's
   * chart there (if there is a report) and renames it to {@code out}: an interrupted run leaves nothing behind.
   */
  static Result commit(Path out, DirWriter writer) {
    Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".sam4j-partial-"
        + ProcessHandle.current().pid());
    Thread cleanup = new Thread(() -> io.sam4j.io.TempDirs.deleteQuietly(tmp));
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      removeStalePartials(out);
      Files.createDirectories(tmp);
      ObjectNode report = writer.write(tmp);
      if (report != null) {
        QuantReport.chart(report, tmp.resolve("report.png"));
      }
      if (Files.isDirectory(out)) {
        Files.delete(out); // checked empty above
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return new Result(out, report);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot write the quantized model to " + out
          + ": " + e.getMessage(), e);
    } finally {
      io.sam4j.io.TempDirs.deleteQuietly(Files.exists(tmp) ? tmp : null);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  /**
   * Deletes what runs killed outright (SIGKILL, out of memory) left beside {@code out}: partial
   * directories of processes that no longer run (a stopped run deletes its own).
   */
  static void removeStalePartials(Path out) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    String prefix = "." + out.getFileName() + ".sam4j-partial-";
    try (var s = Files.list(parent)) {
      for (Path p : s.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        String pid = p.getFileName().toString().substring(prefix.length());
        if (!pid.matches("\\d+")) {
          continue;
        }
        long id = Long.parseLong(pid);
        if (id == ProcessHandle.current().pid()
            || !ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false)) {
          io.sam4j.io.TempDirs.deleteQuietly(p);
        }
      }
    }
  }

  /** Refuses an output that exists and is not an empty directory. */
  static void checkOut(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    boolean empty = false;
    if (Files.isDirectory(out)) {
      try (var s = Files.list(out)) {
        empty = s.findAny().isEmpty();
      } catch (IOException e) {
        empty = false;
      }
    }
    if (!empty) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the output " + out + " exists and is"
          + " not an empty directory: choose a new --out (the quantized model is written there)");
    }
  }

  private static ObjectNode sourceOf(Path checkpoint) {
    ObjectNode src = JSON.createObjectNode();
    src.put("checkpoint", checkpoint.getFileName().toString());
    try {
      src.put("size_bytes", Files.size(checkpoint));
    } catch (IOException e) {
      src.put("size_bytes", -1);
    }
    src.put("sha256", io.sam4j.io.Sha256.of(checkpoint));
    return src;
  }

  private static List<String> names(List<CalibrationImages.Named> images) {
    return images.stream().map(n -> n.file().getFileName().toString()).toList();
  }

  private static ObjectNode manifest(ObjectNode source, ModelSpec spec, QuantizationSettings s,
      List<String> used, List<String> heldOut) {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", QuantizedModelDir.FORMAT);
    m.put("version", 1);
    m.put("family", "sam");
    m.put("model", spec.name());
    m.set("source", source);
    m.put("bits", s.bits());
    m.put("method", s.method().name().toLowerCase(Locale.ROOT));
    if (s.bits() < 8) {
      m.put("block_size", s.blockSize());
      m.put("rows_per_layer", s.maxRows());
    }
    ArrayNode imgs = m.putArray("calibration_images");
    used.forEach(imgs::add);
    ArrayNode held = m.putArray("held_out_images");
    heldOut.forEach(held::add);
    m.put("created", Instant.now().toString());
    m.set("spec", QuantizedModelDir.specToJson(spec));
    return m;
  }
}
