package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SamGraphs;
import io.sam4j.modeling.SyntheticVit;
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
 * {@code sam4j bench-synthetic}: how fast SAM's ViT-B/L/H image encoders run here in fp32 and
 * int8, with random weights of the official shapes, so that no 2.5 GB checkpoint is needed.
 */
@Command(
    name = "bench-synthetic",
    header = "Time a ViT-B/L/H encoder with random weights, fp32 against int8, as JSON.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Build SAM's ViT-B, ViT-L or ViT-H image encoder with random weights of the official",
        "shapes (no checkpoint needed; the embeddings mean nothing) and print one JSON object:",
        "encoder_ms_fp32 and encoder_ms_int8 {median, min, max} over --runs after a warm-up,",
        "int8_speedup (ratio of the medians), embedding_rel_l2 (int8 against fp32) and peak_rss_mb.",
        "ViT-H needs about 10 GB of memory (SAM4J_JAVA_OPTS=-Xmx12g for bin/sam4j) and a minute",
        "or two per precision on two cores.",
        "Example:",
        "  sam4j bench-synthetic --arch vit_h --runs 1 --json"})
final class BenchSyntheticCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--arch", required = true, paramLabel = "A",
      description = "vit_b, vit_l or vit_h")
  String arch;

  @Option(names = "--depth", paramLabel = "N",
      description = "Keep only the first N blocks (default: all), for a quick run")
  Integer depth;

  @Option(names = "--runs", defaultValue = "3",
      description = "Timed runs after one warm-up (default ${DEFAULT-VALUE})")
  int runs;

  @Mixin ThreadsOption threads;

  @Option(names = "--json", description = "Print one JSON object (the only output format)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Cli.requireAtLeastOne(commandSpec.commandLine(), "--runs", runs);
    ModelSpec.VitSpec vit;
    try {
      vit = SyntheticVit.spec(arch);
      if (depth != null) {
        vit = SyntheticVit.truncated(vit, depth);
      }
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
    }
    ModelSpec spec = SyntheticVit.model(vit);
    StateDict sd = SyntheticVit.weights(vit, 1);
    int s = spec.imageSize();
    float[] image = new float[3 * s * s];
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) rnd.nextDouble(-2, 2);
    }
    Map<String, FloatTensor> in = Map.of(SamGraphs.IMAGE,
        new FloatTensor(image, new long[] {1, 3, s, s}));
    ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "runs",
        true);
    Map<Precision, double[]> times = new EnumMap<>(Precision.class);
    Map<Precision, float[]> embeddings = new EnumMap<>(Precision.class);
    for (Precision p : Precision.values()) {
      RuntimeOptions options = new RuntimeOptions(threads.threads, true, p);
      try (InferenceSession session = InferenceSession.create("synthetic " + vit.name(),
          SamGraphs.encoder(sd, spec, List.of(), GraphBuilder.DEFAULT_INLINE_LIMIT, p), options)) {
        // this first run, whose embedding is kept, is also the warm-up of the timed ones
        embeddings.put(p, session.run(in).get(SamGraphs.IMAGE_EMBEDDINGS).data());
        times.put(p, BenchCommand.time(progress, p.name().toLowerCase(Locale.ROOT) + " encoder",
            0, runs, () -> session.run(in)));
      }
    }
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("model", vit.name() + " (random weights)");
    out.put("depth", vit.depth());
    out.put("threads", new RuntimeOptions(threads.threads, true).effectiveThreads());
    for (Precision p : Precision.values()) {
      BenchCommand.stats(out.putObject("encoder_ms_" + p.name().toLowerCase(Locale.ROOT)),
          times.get(p));
    }
    out.put("int8_speedup", BenchCommand.median(times.get(Precision.FP32))
        / BenchCommand.median(times.get(Precision.INT8)));
    out.put("embedding_rel_l2", BenchCommand.relL2(embeddings.get(Precision.INT8),
        embeddings.get(Precision.FP32)));
    out.put("peak_rss_mb", BenchCommand.peakRssMb());
    Cli.printJson(commandSpec.commandLine(), out);
    return 0;
  }
}
