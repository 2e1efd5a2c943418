package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.eval.davis.VideoEvaluation;
import io.sam4j.eval.davis.VideoMetrics;
import io.sam4j.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j eval-video}: DAVIS 2017 J&F of a results folder, as the official code scores it. */
@Command(
    name = "eval-video",
    header = "Score video object segmentation results with DAVIS 2017 J&F.",
    mixinStandardHelpOptions = true,
    description = {
        "Score a results folder (<results>/<sequence>/<frame>.png, indexed-palette PNGs whose index is",
        "the object id) against a DAVIS-format dataset with the official semi-supervised protocol:",
        "J (region IoU) and F (boundary F-measure, tolerance ceil(0.008 x diagonal)); mean, recall",
        "and decay per object, pooled over all objects. The first and last frames are not scored.",
        "Layouts: Annotations/<seq> + ImageSets/<set>.txt, or the official Annotations/480p/<seq> +",
        "ImageSets/2017/<set>.txt. Writes OUT/metrics.json (fractions, not percentages) and the",
        "official global_results-<set>.csv and per-sequence_results-<set>.csv.",
        "Example:",
        "  sam4j eval-video --results results/ --davis DAVIS/ --out eval/"})
final class EvalVideoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--results", required = true, paramLabel = "DIR",
      description = "Results folder: one sub-folder of PNGs per sequence")
  Path results;

  @Option(names = "--davis", required = true, paramLabel = "ROOT", description = "DAVIS-format dataset")
  Path davis;

  @Option(names = "--set", defaultValue = "val", paramLabel = "NAME",
      description = "Image set listing the sequences (default: ${DEFAULT-VALUE})")
  String set;

  @Option(names = "--sequences", split = ",", paramLabel = "A,B",
      description = "Only these sequences (default: every sequence of the set)")
  List<String> sequences;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder")
  Path out;

  @Override
  public Integer call() throws Exception {
    var err = commandSpec.commandLine().getErr();
    VideoMetrics m = new VideoEvaluation(davis, results, set,
        sequences == null ? List.of() : sequences)
        .evaluate(Cli.countProgress(err, "sequences", true));
    if (m.objects().isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "no object to score: the sequences' first"
          + " annotation frames hold no object id");
    }
    byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(m.toJson());
    AtomicFiles.write(out.resolve("metrics.json"), json);
    AtomicFiles.write(out.resolve("global_results-" + set + ".csv"),
        m.globalCsv().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(out.resolve("per-sequence_results-" + set + ".csv"),
        m.perSequenceCsv().getBytes(StandardCharsets.UTF_8));
    var o = commandSpec.commandLine().getOut();
    StringBuilder head = new StringBuilder();
    StringBuilder row = new StringBuilder();
    double[] g = m.global();
    for (int i = 0; i < g.length; i++) {
      String col = VideoMetrics.GLOBAL_COLUMNS.get(i);
      int w = Math.max(col.length(), 8);
      head.append(String.format(Locale.ROOT, " %" + w + "s", col));
      row.append(String.format(Locale.ROOT, " %" + w + ".6f", g[i]));
    }
    o.println(head);
    o.println(row);
    o.println("Wrote " + out.resolve("metrics.json"));
    return 0;
  }
}
