package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j bench}: where the time goes for one model on one image. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Measure loading, encoder and decoder times for a model on an image.",
        "Example:",
        "  sam4j bench --model mobile_sam.pt --image dog.jpg --runs 10 --json"})
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file")
  Path image;

  @Option(names = "--runs", defaultValue = "5", description = "Timed runs after one warm-up (default ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--json", description = "Print one JSON object (the default output)")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (runs < 1) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), "--runs must be >= 1");
    }
    RgbImage img = Images.read(image);
    ObjectMapper om = new ObjectMapper();
    ObjectNode out = om.createObjectNode();
    try (SamModel m = model.load();
         SamPredictor predictor = m.newPredictor()) {
      out.put("model", m.spec().name());
      out.put("threads", new RuntimeOptions(model.threads, true).effectiveThreads());
      SamModel.LoadTimings t = m.loadTimings();
      ObjectNode load = out.putObject("load_breakdown_ms");
      load.put("read", t.readMs());
      load.put("build_graphs", t.buildMs());
      load.put("create_sessions", t.sessionMs());
      out.put("load_ms", t.totalMs());
      double[] enc = time(runs, () -> predictor.setImage(img));
      putStats(out.putObject("encoder_ms"), enc);
      Prompt p = Prompt.builder().point(img.width() / 2.0, img.height() / 2.0, Label.FOREGROUND)
          .multimask(true).build();
      double[] dec = time(Math.max(runs, 10), () -> predictor.predict(p));
      putStats(out.putObject("decoder_ms"), dec);
    }
    out.put("peak_rss_mb", peakRssMb());
    commandSpec.commandLine().getOut().println(om.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    return 0;
  }

  private static double[] time(int n, Runnable r) {
    r.run();
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static void putStats(ObjectNode o, double[] sorted) {
    int n = sorted.length;
    o.put("median", n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    o.put("min", sorted[0]);
    o.put("max", sorted[n - 1]);
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
