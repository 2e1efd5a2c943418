package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.eval.davis.DavisInference;
import io.sam4j.eval.davis.VideoEvaluation;
import io.sam4j.eval.davis.VideoMetrics;
import io.sam4j.io.AtomicFiles;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.TrackerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sam4j eval-video}: DAVIS 2017 J&F of a results folder, as the official code scores it, or
 * of a SAM 2-family model's own results (semi-supervised protocol, {@link DavisInference}).
 */
@Command(
    name = "eval-video",
    header = "Run or score video object segmentation on DAVIS: J&F as DAVIS 2017 computes it.",
    mixinStandardHelpOptions = true,
    description = {
        "With --model (a SAM 2-family model): the semi-supervised protocol as SAM 2's own DAVIS",
        "evaluation (tools/vos_inference.py) runs it: each sequence's first-frame objects are given",
        "as mask prompts on frame 0 and propagated through JPEGImages/<seq>; the results go to",
        "OUT/results/<seq>/<frame>.png (DAVIS palette, index = object id, overlaps to the highest",
        "logit), then are scored. With --results: score an existing results folder (any tracker).",
        "",
        "Score a results folder (<results>/<sequence>/<frame>.png, indexed-palette PNGs whose index is",
        "the object id) against a DAVIS-format dataset with the official semi-supervised protocol:",
        "J (region IoU) and F (boundary F-measure, tolerance ceil(0.008 x diagonal)); mean, recall",
        "and decay per object, pooled over all objects. The first and last frames are not scored.",
        "Layouts: Annotations/<seq> + ImageSets/<set>.txt, or the official Annotations/480p/<seq> +",
        "ImageSets/2017/<set>.txt. Writes OUT/metrics.json (fractions, not percentages) and the",
        "official global_results-<set>.csv and per-sequence_results-<set>.csv.",
        "Examples:",
        "  sam4j eval-video --model sam2.1_hiera_tiny --davis DAVIS/ --sequences bike-packing --out eval/",
        "  sam4j eval-video --results results/ --davis DAVIS/ --out eval/"})
final class EvalVideoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--results", paramLabel = "DIR",
      description = "Score this results folder (one sub-folder of PNGs per sequence);"
          + " without it, give --model")
  Path results;

  @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "Model (instead of --results):%n")
  VideoModel model;

  /** The model options of a run (a group: picocli allows no mixin such as ModelOptions there). */
  static final class VideoModel {
    @Option(names = "--model", required = true, paramLabel = "NAME|PATH",
        description = "A SAM 2-family checkpoint file or model name (sam2.1_hiera_tiny, ...):"
            + " run it on the dataset, then score its results")
    String model;

    @Option(names = "--config", paramLabel = "CONFIG.yaml",
        description = "The hydra YAML config of the checkpoint; not needed for official ones")
    Path config;

    @Option(names = "--objects-appearing-later",
        description = "Track each object alone from the first annotated frame it appears on, as"
            + " vos_inference.py --track_object_appearing_later_in_video (LVOS / YouTube-VOS-style"
            + " data; DAVIS has every object on frame 0)")
    boolean objectsAppearingLater;

    @Option(names = "--threads", defaultValue = "0",
        description = "Threads for inference, 0 = one per core (default)")
    int threads;

    SamModel load(java.io.PrintWriter err) {
      return SamModel.load(ModelOptions.resolve(model, err), config,
          new RuntimeOptions(threads, true, RuntimeOptions.Precision.FP32));
    }
  }

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
    if ((results == null) == (model == null)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "give --results DIR (score existing"
          + " results) or --model M (run a SAM 2-family model, then score), "
          + (results == null ? "not neither" : "not both"));
    }
    List<String> seqs = sequences == null ? List.of() : sequences;
    Path scored = results;
    if (model != null) {
      scored = out.resolve("results");
      try (SamModel m = model.load(err)) {
        new DavisInference(davis, scored, set, seqs, model.objectsAppearingLater)
            .run(m, TrackerOptions.defaults(), EtaProgress.of(err, "frames"));
      }
    }
    VideoMetrics m = new VideoEvaluation(davis, scored, set, seqs)
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
    if (model != null) {
      o.println("Results (DAVIS PNGs) in " + scored);
    }
    o.println("Wrote " + out.resolve("metrics.json"));
    return 0;
  }
}
