package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.SyntheticEncoders;
import io.sam4j.quant.QuantizationSettings;
import io.sam4j.runtime.Profiling;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sam4j bench-synthetic}: how fast the official image encoders of every family run here in
 * fp32 and int8, with random weights of their shapes, so that no checkpoint is needed.
 */
@Command(
    name = "bench-synthetic",
    header = "Time an official image encoder with random weights, fp32 against int8, as JSON.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Build an official image encoder (SAM ViT-B/L/H, SAM 2.1 Hiera-T/S/B+/L, EfficientTAM-Ti/S,",
        "EdgeTAM, EdgeSAM, SAM 3) with random weights of its shapes (no checkpoint needed; the",
        "embeddings mean nothing) and print one JSON object: encoder_ms_fp32 and encoder_ms_int8",
        "{median, min, max} over --runs after a warm-up, graph and session build times,",
        "encoder_gflops (2 x multiply-adds, as bench counts them), matmul_peak_gflops_per_s",
        "(ONNX Runtime's 2048^3 MatMul, measured in the same run), fraction_of_matmul_peak,",
        "int8_speedup,",
        "embedding_rel_l2 (int8 against fp32) and peak_rss_mb. ViT-H needs about 10 GB of memory",
        "(SAM4J_JAVA_OPTS=-Xmx12g for bin/sam4j). sam3 adds text_ms and text_gflops for the text",
        "encoder (once per phrase) and prompt_ms and prompt_gflops for the per-prompt graph",
        "(geometry and fusion encoders, decoder, scoring, segmentation head).",
        "The SAM 2 family (hiera_*, edgetam, efficienttam_*) adds decoder_ms and decoder_lowres_ms:",
        "predict with one point and multimask output on a 1024x1024 image, full-resolution masks",
        "and low-res logits only, as bench counts them.",
        "Example:",
        "  sam4j bench-synthetic --arch hiera_t --runs 3 --json",
        "",
        "With --video (hiera_t, hiera_s, efficienttam_ti, efficienttam_ti_512, edgetam): the whole",
        "video model at its official size with random weights tracks a generated 960x540 clip of",
        "--frames frames, one box per object on frame 0, for each count of --objects. Frames 7 on",
        "(the memory bank full) are timed. JSON members: model, arch, threads, frames,",
        "video_width, video_height, first_timed_frame (7), model_build_ms, objects.<count>",
        "{ms_per_frame {median, min, max}, ms_per_frame_each [...], stage_ms_per_frame {encoder,",
        "memory_attention, decoder, memory_encoder, output} (mean over the timed frames),",
        "memory_attention_share (of the timed frames' wall time), cpu_ms_per_frame,",
        "stage_cpu_ms_per_frame, memory_attention_cpu_share (the same in process CPU time, all",
        "threads: what the work costs when other programs share the cores), ratio_to_one_object},",
        "matmul_peak_gflops_per_s, matmul_gflops_per_cpu_s (the same 2048^3 MatMul per second",
        "of process CPU time), load_average (the system's, at the end), peak_rss_mb.",
        "--video-lengths 100,1000 adds memory.<length> {frames, seconds, peak_rss_mb,",
        "tracker_heap_mb}: one object tracked over a generated clip of each length, each in a",
        "fresh JVM (bounded memory: 1,000 frames should need what 100 need).",
        "Example (about 1-3 minutes for hiera_t on two cores):",
        "  sam4j bench-synthetic --arch hiera_t --video --objects 1,3 --frames 10 --json",
        "  {\"arch\":\"hiera_t\", ..., \"objects\":{\"1\":{\"ms_per_frame\":{\"median\":4100.0, ...},",
        "   ..., \"memory_attention_share\":0.5}, \"3\":{..., \"ratio_to_one_object\":2.0}}, ...}",
        "",
        "With --bits (vit_b, vit_l, vit_h): the encoder is quantized by the library's quantizer, as",
        "'sam4j quantize' does it (8: static int8 with calibrated activation ranges; 4, 2:",
        "blockwise MatMulNBits weights; --method minmax or calibrated), calibrated on 2 generated",
        "1024x768 images (smooth random colour fields with flat ellipses, seeds 1 and 2; one",
        "calibration pass serves every width). Each model directory is written to a temporary",
        "directory, measured and deleted. Then fp32 and every width run once untimed on a third",
        "generated image, and --runs rounds go fp32, then each width in turn, in one process.",
        "JSON members: model, arch, threads, fp32_weights_mb (the encoder's float32 weights),",
        "linear_weights_fp32_mb (the part that 4 and 2 bits quantize), calibration, calibration_s,",
        "encoder_ms_fp32 {median, min, max}, bits.<b> {method, quantize_s (weights and graph, the",
        "calibration pass apart), quantize_total_s (with it: what 'sam4j quantize' takes before",
        "its report), size_mb (the model directory), encoder_graph_mb, encoder_ms",
        "{median, min, max}, speedup (fp32 median / its median), embedding_rel_l2 (against fp32)},",
        "load_average (the system's, at the end), peak_rss_mb. The Q-SAM2 weight search",
        "(calibrated, 4 and 2 bits) costs about out x in^2 per linear layer in Java: minutes for",
        "vit_b, hours for vit_h on two cores; --method minmax and a small --rows keep vit_h quick.",
        "Memory: the calibration pass holds every captured activation of an image (vit_h: about",
        "8 GB) beside the float32 session: a full vit_h needs about 20 GB (-Xmx8g or more);",
        "--depth N (the first N blocks) scales it down with the time and the linear weights.",
        "Example (vit_b with two blocks, under a minute on a quiet machine):",
        "  sam4j bench-synthetic --arch vit_b --depth 2 --bits 8,4 --runs 3 --json",
        "  {\"arch\":\"vit_b\", ..., \"fp32_weights_mb\":74.8, \"linear_weights_fp32_mb\":56.6, ...,",
        "   \"bits\":{\"8\":{\"size_mb\":..., \"speedup\":..., \"embedding_rel_l2\":...}, \"4\":{...}}}",
        "  sam4j bench-synthetic --arch vit_h --bits 8,4 --method minmax --rows 64 --runs 3 --json"})
final class BenchSyntheticCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--arch", required = true, paramLabel = "A",
      description = "vit_b, vit_l, vit_h (SAM), hiera_t, hiera_s, hiera_b+, hiera_l (SAM 2.1),"
          + " efficienttam_ti, efficienttam_s, edgetam, edge_sam, sam3 (its image encoder, then"
          + " prompt_ms for the per-prompt graph)")
  String arch;

  @Option(names = "--depth", paramLabel = "N",
      description = "Keep only the first N blocks of a ViT (default: all; sam3: the last kept"
          + " block attends globally), for a quick run")
  Integer depth;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "sam3 only: a reduced or fine-tuned SAM 3 spec instead of the official sizes")
  java.nio.file.Path spec;

  @Option(names = "--runs", defaultValue = "3",
      description = "Timed runs after one warm-up (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--video",
      description = "Time video tracking with the whole model instead of the encoder alone")
  boolean video;

  @Option(names = "--objects", split = ",", defaultValue = "1,3", paramLabel = "N,N",
      description = "--video: the object counts to track (default ${DEFAULT-VALUE})")
  List<Integer> objects;

  @Option(names = "--frames", defaultValue = "10", paramLabel = "N",
      description = "--video: frames of the clip (default ${DEFAULT-VALUE}; frames 7 on are"
          + " timed, so at least 8)")
  int frames;

  @Option(names = "--video-lengths", split = ",", paramLabel = "L,L",
      description = "--video: also the peak RSS of tracking one object over generated clips of"
          + " these lengths, each in a fresh JVM (e.g. 100,1000; default none)")
  int[] videoLengths = {};

  @Option(names = "--rss-child", hidden = true, paramLabel = "L")
  Integer rssChild;

  @Mixin TrackerMemoryOptions memory;

  @Option(names = "--bits", split = ",", paramLabel = "B,B",
      description = "vit_b, vit_l, vit_h: quantize the encoder at each of these widths (8, 4, 2)"
          + " with the library's quantizer and time each against fp32 (see below)")
  List<Integer> bits;

  @Option(names = "--method", defaultValue = "calibrated", paramLabel = "M",
      description = "--bits: minmax or calibrated, as for 'sam4j quantize' (default"
          + " ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--rows", defaultValue = "2048", paramLabel = "N",
      description = "--bits 4 or 2: input rows kept per linear layer for the weight search and"
          + " its error figures (default ${DEFAULT-VALUE}, as 'sam4j quantize')")
  int rows;

  @Mixin ThreadsOption threads;

  @Option(names = "--json", description = "Print one JSON object (the only output format)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Cli.requireAtLeastOne(commandSpec.commandLine(), "--runs", runs);
    if (video) {
      return video();
    }
    if (bits != null) {
      return quantized();
    }
    SyntheticEncoders.Arch a;
    io.sam4j.modeling.sam3.Sam3Spec sam3 = null;
    try {
      if (spec != null && (!arch.equals("sam3") || depth != null)) {
        throw new IllegalArgumentException("--spec applies to --arch sam3 only, without --depth");
      }
      if (arch.equals("sam3")) {
        sam3 = spec != null ? io.sam4j.modeling.sam3.Sam3SpecReader.read(spec)
            : io.sam4j.modeling.sam3.SyntheticSam3.official(depth);
        a = SyntheticEncoders.sam3(sam3);
      } else {
        a = SyntheticEncoders.get(arch, depth);
      }
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
    }
    int s = a.imageSize();
    float[] image = new float[3 * s * s];
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) rnd.nextDouble(-2, 2);
    }
    Map<String, FloatTensor> in = Map.of(a.inputName(),
        new FloatTensor(image, new long[] {1, 3, s, s}));
    int threadCount = new RuntimeOptions(threads.threads, true).effectiveThreads();
    ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "runs",
        true);
    Map<Precision, double[]> times = new EnumMap<>(Precision.class);
    Map<Precision, float[]> embeddings = new EnumMap<>(Precision.class);
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("model", a.name() + " (random weights)");
    if (depth != null) {
      out.put("depth", depth);
    }
    out.put("threads", threadCount);
    long flops = 0;
    for (Precision p : Precision.values()) {
      RuntimeOptions options = new RuntimeOptions(threads.threads, true, p);
      long t0 = System.nanoTime();
      OnnxModel graph = a.graph(p);
      long t1 = System.nanoTime();
      try (InferenceSession session = InferenceSession.create("synthetic " + a.name(), graph,
          options)) {
        long t2 = System.nanoTime();
        String key = p.name().toLowerCase(Locale.ROOT);
        out.put("graph_build_ms_" + key, (t1 - t0) / 1e6);
        out.put("session_build_ms_" + key, (t2 - t1) / 1e6);
        // this first run, whose embedding is kept, is also the warm-up of the timed ones
        embeddings.put(p, session.run(in).get(a.outputName()).data());
        times.put(p, BenchCommand.time(progress, key + " encoder", 0, runs,
            () -> session.run(in)));
      }
      if (p == Precision.FP32) {
        flops = Profiling.flops(graph, in, threadCount);
      }
    }
    for (Precision p : Precision.values()) {
      BenchCommand.stats(out.putObject("encoder_ms_" + p.name().toLowerCase(Locale.ROOT)),
          times.get(p));
    }
    double seconds = BenchCommand.median(times.get(Precision.FP32)) / 1000;
    double peak = Profiling.matmulGflops(2048, threadCount, 5);
    out.put("encoder_gflops", flops / 1e9);
    out.put("encoder_gflops_per_s", flops / 1e9 / seconds);
    out.put("matmul_peak_gflops_per_s", peak);
    out.put("fraction_of_matmul_peak", flops / 1e9 / seconds / peak);
    out.put("int8_speedup", BenchCommand.median(times.get(Precision.FP32))
        / BenchCommand.median(times.get(Precision.INT8)));
    out.put("embedding_rel_l2", BenchCommand.relL2(embeddings.get(Precision.INT8),
        embeddings.get(Precision.FP32)));
    if (sam3 != null) {
      Sam3Bench.text(out, sam3, runs, threads.threads, progress);
      Sam3Bench.prompt(out, sam3, runs, threads.threads, progress);
    }
    if (depth == null && Sam2DecoderBench.config(arch) != null) {
      try {
        Sam2DecoderBench.predict(out, arch, runs, threads.threads, progress);
      } catch (RuntimeException e) {
        // the encoder figures above stand on their own
        out.put("decoder_error", String.valueOf(e.getMessage()));
      }
    }
    out.put("peak_rss_mb", BenchCommand.peakRssMb());
    Cli.printJson(commandSpec.commandLine(), out);
    return 0;
  }

  /** {@code --bits}: see {@link QuantizedSyntheticBench}. */
  private int quantized() throws Exception {
    io.sam4j.modeling.ModelSpec.VitSpec vit;
    List<QuantizationSettings> settings = new java.util.ArrayList<>();
    try {
      if (spec != null) {
        throw new IllegalArgumentException("--spec does not apply with --bits");
      }
      if (!arch.startsWith("vit_")) {
        throw new IllegalArgumentException("--bits applies to vit_b, vit_l and vit_h (SAM's"
            + " ViTs), not " + arch);
      }
      vit = io.sam4j.modeling.sam.SyntheticVit.spec(arch);
      vit = depth == null ? vit : io.sam4j.modeling.sam.SyntheticVit.truncated(vit, depth);
      if (new java.util.HashSet<>(bits).size() != bits.size()) {
        throw new IllegalArgumentException("--bits names a width twice: " + bits);
      }
      QuantizationSettings.Method m = Cli.choice("--method", method,
          QuantizationSettings.Method.class);
      for (int b : bits) {
        settings.add(new QuantizationSettings(b, m, QuantizationSettings.DEFAULT_BLOCK,
            QuantizedSyntheticBench.CALIBRATION_IMAGES, rows));
      }
    } catch (IllegalArgumentException | io.sam4j.SamException e) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
    }
    int threadCount = new RuntimeOptions(threads.threads, true).effectiveThreads();
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("model", arch + " (random weights)");
    out.put("arch", arch);
    if (depth != null) {
      out.put("depth", depth);
    }
    out.put("threads", threadCount);
    QuantizedSyntheticBench.run(out, vit, settings, runs, threads.threads,
        new io.sam4j.registry.TextProgress(commandSpec.commandLine().getErr(), Cli.terminal(),
            "steps"));
    out.put("load_average", VideoSyntheticBench.loadAverage());
    out.put("peak_rss_mb", BenchCommand.peakRssMb());
    Cli.printJson(commandSpec.commandLine(), out);
    return 0;
  }

  /** {@code --video}: see {@link VideoSyntheticBench}. */
  private int video() throws Exception {
    int[] counts;
    try {
      if (depth != null || spec != null) {
        throw new IllegalArgumentException("--depth and --spec do not apply with --video");
      }
      if (bits != null) {
        throw new IllegalArgumentException("--bits does not apply with --video");
      }
      if (frames <= VideoSyntheticBench.FULL_BANK) {
        throw new IllegalArgumentException("--frames must be at least "
            + (VideoSyntheticBench.FULL_BANK + 1) + " (frames " + VideoSyntheticBench.FULL_BANK
            + " on are timed), got " + frames);
      }
      counts = VideoSyntheticBench.objectCounts(objects);
      if (!VideoSyntheticBench.CONFIGS.containsKey(arch)) {
        VideoSyntheticBench.model(arch, null);
      }
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
    }
    RuntimeOptions options = new RuntimeOptions(threads.threads, true);
    ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "frames",
        true);
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("arch", arch);
    out.put("threads", options.effectiveThreads());
    long t0 = System.nanoTime();
    try (io.sam4j.SamModel model = VideoSyntheticBench.model(arch, options)) {
      if (rssChild != null) {
        VideoBench.rssChild(model, new VideoSyntheticBench.Clip(rssChild), rssChild,
            memory.options(), commandSpec.commandLine().getOut());
        return 0;
      }
      out.put("model", model.name() + " (random weights)");
      out.put("model_build_ms", (System.nanoTime() - t0) / 1e6);
      VideoSyntheticBench.run(model, frames, counts, out, progress);
    }
    out.put("matmul_peak_gflops_per_s", VideoSyntheticBench.matmulPeak(
        options.effectiveThreads()));
    out.put("matmul_gflops_per_cpu_s", VideoSyntheticBench.matmulPerCpuSecond(
        options.effectiveThreads()));
    out.put("load_average", VideoSyntheticBench.loadAverage());
    ObjectNode rss = out.putObject("memory");
    List<String> child = new java.util.ArrayList<>(List.of("bench-synthetic", "--arch", arch,
        "--video", "--threads", Integer.toString(threads.threads)));
    child.addAll(memory.args());
    for (int length : videoLengths) {
      if (length > 0) {
        rss.set(Integer.toString(length), VideoBench.runChild(child, length));
      }
    }
    out.put("peak_rss_mb", BenchCommand.peakRssMb());
    Cli.printJson(commandSpec.commandLine(), out);
    return 0;
  }
}
