package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.efficienttam.EfficientTamEncoderSpec;
import io.sam4j.modeling.efficienttam.SyntheticEfficientTam;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.modeling.sam2.SyntheticSam2;
import io.sam4j.modeling.sam2.memory.SyntheticTrackerWeights;
import io.sam4j.prompt.Box;
import io.sam4j.registry.ProgressListener;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.FrameSource;
import io.sam4j.video.Propagation;
import io.sam4j.video.VideoTracker;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sam4j bench-synthetic --video}: video tracking at an official size with random weights
 * (no checkpoint): a synthetic {@value #WIDTH}x{@value #HEIGHT} clip, one box per object on frame
 * 0, then propagation; the frames from {@value #FULL_BANK} on (the memory bank full: the prompted
 * frame and six tracked ones) are timed, whole and per stage, for each object count.
 */
final class VideoSyntheticBench {
  static final int WIDTH = 960;
  static final int HEIGHT = 540;
  /** The first frame whose memory attention sees a full bank of 7 memories. */
  static final int FULL_BANK = 7;

  /** {@code --arch} names and their official configs. */
  static final Map<String, String> CONFIGS = new LinkedHashMap<>();

  static {
    CONFIGS.put("hiera_t", "sam2.1_hiera_t");
    CONFIGS.put("hiera_s", "sam2.1_hiera_s");
    CONFIGS.put("efficienttam_ti", "efficienttam_ti");
    CONFIGS.put("efficienttam_ti_512", "efficienttam_ti_512x512");
    CONFIGS.put("edgetam", "edgetam");
  }

  private VideoSyntheticBench() {}

  /**
   * The official model of {@code arch} with random weights.
   *
   * @throws IllegalArgumentException for an arch without a video model here
   */
  static SamModel model(String arch, RuntimeOptions options) {
    String config = CONFIGS.get(arch);
    if (config == null) {
      throw new IllegalArgumentException("--video takes --arch " + String.join(", ",
          CONFIGS.keySet()) + "; got '" + arch + "'");
    }
    Sam2ModelSpec spec = Sam2Config.official(config);
    Map<String, Tensor> m = new LinkedHashMap<>();
    StateDict encoder = config.startsWith("efficienttam")
        ? SyntheticEfficientTam.weights(EfficientTamEncoderSpec.official(config), 1)
        : SyntheticSam2.encoderWeights(spec, 1);
    for (String k : encoder.keys()) {
      m.put(k, encoder.get(k));
    }
    m.putAll(SyntheticTrackerWeights.weights(spec, 2));
    return SamModel.fromStateDict(new StateDict(m, "synthetic " + config), spec, options);
  }

  /**
   * Times tracking of each object count in {@code objectCounts} over {@code frames} frames;
   * fills {@code out}.
   */
  static void run(SamModel model, int frames, int[] objectCounts, ObjectNode out,
      ProgressListener progress) {
    out.put("video_width", WIDTH);
    out.put("video_height", HEIGHT);
    out.put("frames", frames);
    out.put("first_timed_frame", FULL_BANK);
    ObjectNode all = out.putObject("objects");
    Map<Integer, Double> medians = new LinkedHashMap<>();
    try (FrameSource clip = new Clip(frames)) {
      for (int n : objectCounts) {
        ObjectNode o = all.putObject(Integer.toString(n));
        medians.put(n, track(model, clip, n, o, progress));
      }
    }
    if (medians.containsKey(1)) {
      for (Map.Entry<Integer, Double> e : medians.entrySet()) {
        if (e.getKey() != 1) {
          ((ObjectNode) all.get(Integer.toString(e.getKey()))).put("ratio_to_one_object",
              e.getValue() / medians.get(1));
        }
      }
    }
  }

  /** One object count: the timed frames' median and the stages' share; returns the median. */
  private static double track(SamModel model, FrameSource clip, int objects, ObjectNode o,
      ProgressListener progress) {
    int frames = clip.frameCount();
    double[] ms = new double[frames - FULL_BANK];
    double[] cpu = new double[frames - FULL_BANK];
    try (VideoTracker t = model.newTracker(clip)) {
      for (int i = 0; i < objects; i++) {
        t.addBox(0, i + 1, box(i));
      }
      progress.begin("tracking " + objects + " object(s)", 0, frames - 1);
      try (Propagation p = t.propagate(0, false, null)) {
        for (int f = 0; f < frames && p.hasNext(); f++) {
          if (f == FULL_BANK) {
            t.resetStageTimes();
          }
          long c0 = cpuNanos();
          long t0 = System.nanoTime();
          p.next();
          if (f >= FULL_BANK) {
            ms[f - FULL_BANK] = (System.nanoTime() - t0) / 1e6;
            cpu[f - FULL_BANK] = (cpuNanos() - c0) / 1e6;
          }
          progress.update(f);
        }
      } finally {
        progress.end();
      }
      double total = Arrays.stream(ms).sum();
      ArrayNode each = o.putArray("ms_per_frame_each");
      for (double v : ms) {
        each.add(v);
      }
      Arrays.sort(ms);
      BenchCommand.stats(o.putObject("ms_per_frame"), ms);
      ObjectNode stages = o.putObject("stage_ms_per_frame");
      for (Map.Entry<String, Double> e : t.stageMillis().entrySet()) {
        stages.put(e.getKey(), e.getValue() / ms.length);
      }
      o.put("memory_attention_share", t.stageMillis().get("memory_attention") / total);
      double cpuTotal = Arrays.stream(cpu).sum();
      Arrays.sort(cpu);
      BenchCommand.stats(o.putObject("cpu_ms_per_frame"), cpu);
      ObjectNode cpuStages = o.putObject("stage_cpu_ms_per_frame");
      for (Map.Entry<String, Double> e : t.stageCpuMillis().entrySet()) {
        cpuStages.put(e.getKey(), e.getValue() / cpu.length);
      }
      o.put("memory_attention_cpu_share", t.stageCpuMillis().get("memory_attention") / cpuTotal);
      return BenchCommand.median(ms);
    }
  }

  /** Object {@code i}'s box on frame 0: a quarter of the frame, moved along for each object. */
  static Box box(int i) {
    double x0 = 80 + 240 * (i % 3);
    double y0 = 60 + 120 * (i / 3 % 2);
    return new Box(x0, y0, x0 + WIDTH / 4.0, y0 + HEIGHT / 3.0);
  }

  /** This process's CPU time in nanoseconds (all threads; 0 where the JVM does not say). */
  static long cpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os
        ? Math.max(0, os.getProcessCpuTime()) : 0;
  }

  /** The system load average over the last minute (-1 where unknown). */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** ONNX Runtime's 2048^3 MatMul in GFLOP/s, as the encoder bench measures it. */
  static double matmulPeak(int threads) {
    return Profiling.matmulGflops(2048, threads, 5);
  }

  /**
   * The same MatMul in GFLOP per second of process CPU time (five runs after a warm-up): the
   * yardstick for {@code cpu_ms_per_frame} on a shared machine, where wall time also measures
   * the other programs.
   */
  static double matmulPerCpuSecond(int threads) {
    int n = 2048;
    GraphBuilder g = new GraphBuilder("matmul_cpu");
    Value a = g.input("a", ElemType.FLOAT, n, n);
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    float[] w = new float[n * n];
    float[] x = new float[n * n];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextDouble(-0.5, 0.5);
      x[i] = (float) r.nextDouble(-0.5, 0.5);
    }
    g.output("c", g.op("MatMul", a, g.weight("b", w, n, n)));
    Map<String, FloatTensor> in = Map.of("a", new FloatTensor(x, new long[] {n, n}));
    try (InferenceSession s = InferenceSession.create("matmul", g.build(),
        new RuntimeOptions(threads, true))) {
      s.run(in);
      int runs = 5;
      long c0 = cpuNanos();
      for (int i = 0; i < runs; i++) {
        s.run(in);
      }
      return runs * 2.0 * n * n * n / ((cpuNanos() - c0) / 1e9) / 1e9;
    }
  }

  /**
   * A generated clip: a colour gradient with three bright rectangles drifting a few pixels per
   * frame, so that consecutive frames differ as in a real video.
   */
  static final class Clip implements FrameSource {
    private final int frames;

    Clip(int frames) {
      this.frames = frames;
    }

    @Override
    public int frameCount() {
      return frames;
    }

    @Override
    public int width() {
      return WIDTH;
    }

    @Override
    public int height() {
      return HEIGHT;
    }

    @Override
    public RgbImage frame(int index) {
      byte[] rgb = new byte[WIDTH * HEIGHT * 3];
      for (int y = 0; y < HEIGHT; y++) {
        for (int x = 0; x < WIDTH; x++) {
          int at = 3 * (y * WIDTH + x);
          rgb[at] = (byte) (x * 255 / WIDTH);
          rgb[at + 1] = (byte) (y * 255 / HEIGHT);
          rgb[at + 2] = (byte) ((x + y + 4 * index) & 0xFF);
        }
      }
      for (int i = 0; i < 3; i++) {
        Box b = box(i);
        int dx = 6 * index * (i + 1);
        for (int y = (int) b.y0(); y < (int) b.y1(); y++) {
          for (int x = (int) b.x0() + dx; x < Math.min(WIDTH, (int) b.x1() + dx); x++) {
            int at = 3 * (y * WIDTH + x);
            rgb[at] = (byte) (200 + 20 * i);
            rgb[at + 1] = (byte) (220 - 60 * i);
            rgb[at + 2] = (byte) (40 + 80 * i);
          }
        }
      }
      return RgbImage.of(WIDTH, HEIGHT, rgb);
    }
  }

  /** The object counts of {@code --objects}, checked. */
  static int[] objectCounts(List<Integer> counts) {
    int[] out = new int[counts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = counts.get(i);
      if (out[i] < 1 || out[i] > 6) {
        throw new IllegalArgumentException("--objects takes counts from 1 to 6, got " + out[i]);
      }
    }
    return out;
  }
}
