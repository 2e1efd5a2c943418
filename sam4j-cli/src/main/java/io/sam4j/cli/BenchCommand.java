package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.amg.AmgConfig;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.modeling.sam2.Sam2Encoders;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.quant.QuantizedModelDir;
import io.sam4j.registry.ProgressListener;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions.Precision;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.Sam2Preprocessor;
import io.sam4j.transform.SamPreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j bench}: where the time goes for one model on one image, as one JSON object. */
@Command(
    name = "bench",
    header = "Measure load, encoder, decoder and AMG speed as JSON.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Measure a model on an image and print one JSON object: load_ms, encoder_ms {median, min,",
        "max} over --runs after a warm-up, decoder_ms (one prompt set to full-resolution masks;",
        "10 x --runs calls, at least 50, after 20 warm-ups), decoder_lowres_ms (the same prompt to",
        "low-res logits only, counted the same way: the rest of decoder_ms is the upscaling),",
        "decoder_batch64_ms (64 point prompts in one call, low-res outputs), amg_s (automatic mask",
        "generation at default parameters), encoder_gflops (2 x multiply-adds of every MatMul, Gemm,",
        "Conv and fused Attention of the encoder graph), encoder_gflops_per_s,",
        "matmul_peak_gflops_per_s (one 2048^3 float32 MatMul on ONNX Runtime with the same threads)",
        "and peak_rss_mb; with --precision int8 also fp32_agreement (embeddings' relative L2 and the",
        "mean IoU of the final masks of 64 grid prompts against the fp32 model); with --profile also",
        "encoder_ops_ms (milliseconds per run of each operator type, largest first).",
        "With --video, video tracking instead (SAM 2 family; see 'Video' in the README).",
        "Examples:",
        "  sam4j bench --model mobile_sam.pt --image dog.jpg --runs 10 --json",
        "  sam4j bench --model sam2.1_hiera_tiny --video bedroom/ --video-lengths 100,1000 --json"})
final class BenchCommand implements Callable<Integer> {
  private static final int DECODER_WARMUPS = 20;

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Option(names = "--image", paramLabel = "IMG", description = "Image file")
  Path image;

  @Option(names = "--video", paramLabel = "DIR|FILE.mp4",
      description = "Measure video tracking instead (SAM 2 family): encoder ms/frame, tracking"
          + " frames/s for 1 and 3 objects, and peak RSS over clips of --video-lengths frames made"
          + " by repeating the video's frames")
  Path video;

  @Option(names = "--video-frames", defaultValue = "10", paramLabel = "N",
      description = "Frames tracked for the speed figures (default ${DEFAULT-VALUE})")
  int videoFrames;

  @Option(names = "--video-lengths", defaultValue = "100,1000", split = ",", paramLabel = "L,L",
      description = "Clip lengths whose peak RSS is measured, each in a fresh JVM (default"
          + " ${DEFAULT-VALUE}; 0 skips)")
  int[] videoLengths;

  @Option(names = "--rss-child", hidden = true, paramLabel = "L")
  Integer rssChild;

  @Mixin TrackerMemoryOptions memory;

  @Option(names = "--runs", defaultValue = "5", description = "Timed runs after one warm-up (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--json", description = "Print one JSON object (the only output format)")
  boolean json;

  @Option(names = "--no-amg", description = "Skip the automatic mask generation measurement")
  boolean noAmg;

  @Option(names = "--profile", description = "Also report encoder_ops_ms: milliseconds per run of"
      + " each operator type, from ONNX Runtime's profiler")
  boolean profile;

  @Override
  public Integer call() throws IOException {
    Cli.requireAtLeastOne(commandSpec.commandLine(), "--runs", runs);
    if (video != null) {
      return video();
    }
    if (image == null) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.BAD_INPUT,
          "give --image IMG (or --video DIR|FILE.mp4 to measure video tracking)");
    }
    RgbImage img = Images.read(image);
    ObjectMapper om = new ObjectMapper();
    ObjectNode out = om.createObjectNode();
    int threads = model.options().effectiveThreads();
    double encoderMedian;
    List<Prediction> int8Predictions = null;
    float[] int8Embedding = null;
    List<Prompt> grid = gridPrompts(img);
    // the measurements take a minute: a bar per measurement on a terminal, nothing in logs
    ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "calls",
        true);
    Sam2ModelSpec sam2;
    try (SamModel m = model.load(commandSpec.commandLine().getErr());
         SamPredictor predictor = m.newPredictor()) {
      sam2 = m.sam2Spec().orElse(null);
      out.put("model", m.name());
      out.put("threads", threads);
      Path file = model.checkpoint(commandSpec.commandLine().getErr());
      if (QuantizedModelDir.isOne(file)) {
        var q = QuantizedModelDir.read(file).manifest();
        out.put("precision", "quantized: " + q.path("bits").asInt() + " bits, "
            + q.path("method").asText());
      } else {
        out.put("precision", model.options().precision().name().toLowerCase(Locale.ROOT));
      }
      SamModel.LoadTimings t = m.loadTimings();
      out.put("load_ms", t.totalMs());
      ObjectNode load = out.putObject("load_breakdown_ms");
      load.put("read", t.readMs());
      load.put("build_graphs", t.buildMs());
      load.put("create_sessions", t.sessionMs());
      double[] enc = time(progress, "encoder", 1, runs, () -> predictor.setImage(img));
      encoderMedian = median(enc);
      stats(out.putObject("encoder_ms"), enc);
      Prompt one = Prompt.builder().point(img.width() / 2.0, img.height() / 2.0, Label.FOREGROUND)
          .multimask(true).build();
      // the decoder is fast and its Java side needs many calls to be compiled: more samples
      int calls = Math.max(10 * runs, 50);
      stats(out.putObject("decoder_ms"), time(progress, "decoder, one prompt", DECODER_WARMUPS,
          calls, () -> predictor.predict(one)));
      stats(out.putObject("decoder_lowres_ms"), time(progress, "decoder, one prompt, low-res",
          DECODER_WARMUPS, calls, () -> predictor.predictLowRes(List.of(one))));
      stats(out.putObject("decoder_batch64_ms"), time(progress, "decoder, 64 prompts", 1, runs,
          () -> predictor.predictLowRes(grid)));
      if (model.options().precision() == Precision.INT8) {
        int8Predictions = predictor.predictBatch(grid);
        int8Embedding = predictor.embedding().data();
      }
      if (!noAmg) {
        AutomaticMaskGenerator amg = new AutomaticMaskGenerator(m, AmgConfig.defaults());
        out.put("amg_s", time(progress, "automatic mask generation", 1, 1,
            () -> amg.generate(img))[0] / 1000);
      }
    }
    if (int8Predictions != null) {
      fp32Agreement(out.putObject("fp32_agreement"), img, grid, int8Embedding, int8Predictions,
          threads);
    }
    Path file = model.checkpoint(commandSpec.commandLine().getErr());
    OnnxModel encoder;
    Map<String, FloatTensor> encoderIn;
    if (QuantizedModelDir.isOne(file)) {
      QuantizedModelDir.Contents c = QuantizedModelDir.read(file);
      int s = c.spec().imageSize();
      encoder = c.encoder();
      encoderIn = Map.of(SamGraphs.IMAGE, new FloatTensor(SamPreprocessor.normalizeAndPad(
          SamPreprocessor.resize(img, s), s), new long[] {1, 3, s, s}));
    } else if (sam2 != null) {
      StateDict sd = CheckpointReader.read(file);
      int s = sam2.imageSize();
      encoder = Sam2Encoders.graph(sd, sam2, List.of(), model.options().precision());
      encoderIn = Map.of(Sam2Graphs.IMAGE, new FloatTensor(Sam2Preprocessor.preprocess(img, s),
          new long[] {1, 3, s, s}));
    } else {
      StateDict sd = CheckpointReader.read(file);
      var spec = SpecDetector.detect(sd, model.specOrConfig());
      float[] input = SamPreprocessor.normalizeAndPad(
          SamPreprocessor.resize(img, spec.imageSize()), spec.imageSize());
      encoder = SamGraphs.encoder(sd, spec, List.of(), GraphBuilder.DEFAULT_INLINE_LIMIT,
          model.options().precision());
      encoderIn = Map.of(SamGraphs.IMAGE,
          new FloatTensor(input, new long[] {1, 3, spec.imageSize(), spec.imageSize()}));
    }
    long flops = Profiling.flops(encoder, encoderIn, threads);
    if (profile) {
      ObjectNode ops = out.putObject("encoder_ops_ms");
      Profiling.opTimes(encoder, encoderIn, threads, Math.min(runs, 3)).forEach(ops::put);
    }
    out.put("encoder_gflops", flops / 1e9);
    out.put("encoder_gflops_per_s", flops / 1e9 / (encoderMedian / 1000));
    out.put("matmul_peak_gflops_per_s", Profiling.matmulGflops(2048, threads, 5));
    out.put("peak_rss_mb", peakRssMb());
    Cli.printJson(commandSpec.commandLine(), out);
    return 0;
  }

  /** {@code bench --video}: see {@link VideoBench}. */
  private int video() throws IOException {
    Cli.requireAtLeastOne(commandSpec.commandLine(), "--video-frames", videoFrames);
    java.io.PrintWriter err = commandSpec.commandLine().getErr();
    ObjectNode out = new ObjectMapper().createObjectNode();
    try (io.sam4j.video.FrameSource src = TrackCommand.open(video);
         SamModel m = model.load(err)) {
      if (rssChild != null) {
        VideoBench.rssChild(m, src, rssChild, memory.options(), commandSpec.commandLine().getOut());
        return 0;
      }
      out.put("model", m.name());
      out.put("threads", model.options().effectiveThreads());
      out.put("video", video.toString());
      out.put("width", src.width());
      out.put("height", src.height());
      out.put("tracked_frames", videoFrames);
      // repeated so that any --video-frames fits (src is closed by the try)
      io.sam4j.video.FrameSource clip = io.sam4j.video.RepeatedFrameSource.of(src,
          Math.max(src.frameCount(), videoFrames + 1));
      VideoBench.speed(m, clip, videoFrames, runs, out,
          Cli.countProgress(err, "frames", true));
    }
    List<String> args = new ArrayList<>(List.of("bench", "--model", model.model, "--video",
        video.toString(), "--threads", Integer.toString(model.threads.threads), "--precision",
        model.precision));
    if (model.specOrConfig() != null) {
      args.addAll(List.of(model.spec != null ? "--spec" : "--config", model.specOrConfig().toString()));
    }
    args.addAll(memory.args());
    ObjectNode rss = out.putObject("memory");
    for (int length : videoLengths) {
      if (length > 0) {
        rss.set(Integer.toString(length), VideoBench.runChild(args, length));
      }
    }
    out.put("peak_rss_mb", peakRssMb());
    Cli.printJson(commandSpec.commandLine(), out);
    return 0;
  }

  /** 64 multimask point prompts on an 8x8 grid over the image. */
  private static List<Prompt> gridPrompts(RgbImage img) {
    List<Prompt> grid = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      grid.add(Prompt.builder().point((i % 8 + 0.5) * img.width() / 8,
          (i / 8 + 0.5) * img.height() / 8, Label.FOREGROUND).multimask(true).build());
    }
    return grid;
  }

  /**
   * The int8 model against the fp32 one on this image: embeddings' relative L2 and the mean IoU
   * of the final masks of the 64 grid prompts (three each).
   */
  private void fp32Agreement(ObjectNode o, RgbImage img, List<Prompt> grid, float[] int8Embedding,
      List<Prediction> int8Predictions, int threads) {
    try (SamModel m = SamModel.load(model.checkpoint(commandSpec.commandLine().getErr()),
            model.specOrConfig(), new RuntimeOptions(threads, true, Precision.FP32));
         SamPredictor p = m.newPredictor()) {
      p.setImage(img);
      float[] e = p.embedding().data();
      List<Prediction> fp32 = p.predictBatch(grid);
      double iouSum = 0;
      int masks = 0;
      for (int i = 0; i < fp32.size(); i++) {
        for (int k = 0; k < fp32.get(i).size(); k++) {
          iouSum += fp32.get(i).masks().get(k).iou(int8Predictions.get(i).masks().get(k));
          masks++;
        }
      }
      o.put("embedding_rel_l2", relL2(int8Embedding, e));
      o.put("mask_iou_mean", iouSum / masks);
      o.put("masks", masks);
    }
  }

  /**
   * {@code n} timings in ms, sorted, after {@code warmups} untimed calls, counted on
   * {@code progress} as the calls of task {@code what}.
   */
  static double[] time(ProgressListener progress, String what, int warmups, int n, Runnable r) {
    progress.begin(what, 0, warmups + n);
    for (int i = 0; i < warmups; i++) {
      r.run();
      progress.update(i + 1);
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
      progress.update(warmups + i + 1);
    }
    progress.end();
    Arrays.sort(ms);
    return ms;
  }

  /** Relative L2 distance of {@code a} from {@code ref}. */
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

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static void stats(ObjectNode o, double[] sorted) {
    o.put("median", median(sorted));
    o.put("min", sorted[0]);
    o.put("max", sorted[sorted.length - 1]);
  }

  /** Peak resident set size of this process (Linux), or -1 where unknown. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
