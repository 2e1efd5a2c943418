package io.sam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.eval.coco.CocoDataset;
import io.sam4j.eval.coco.Evaluation;
import io.sam4j.eval.coco.EvaluationResult;
import io.sam4j.eval.coco.InstanceResult;
import io.sam4j.eval.coco.PromptKind;
import io.sam4j.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j eval}: mIoU of a model on COCO-format annotations, as EdgeSAM measures it. */
@Command(
    name = "eval",
    header = "Measure a model's mIoU on COCO-format annotations (box, point and click prompts).",
    mixinStandardHelpOptions = true,
    description = {
        "For every non-crowd annotation, derive a prompt as EdgeSAM's eval_mIoU.py does, predict one",
        "mask (all annotations of an image in one decoder call) and compute its IoU with the",
        "ground truth (polygons and RLE decoded as pycocotools). --clicks N adds EdgeSAM's random",
        "refinement clicks from the error region one at a time. Writes OUT/metrics.json (\"mIoU\",",
        "per click, category and area range, per annotation {\"id\", \"iou\"}); OUT/progress.jsonl",
        "journals finished annotations so that --resume continues an interrupted run; OUT/worst/",
        "holds overlays of the worst instances (ground truth and prediction).",
        "Prompts: box, point-center (kornia centre), point-center-edt, box-center (EdgeSAM's as",
        "coded), box-center-intended, point-random, box+point.",
        "Example:",
        "  sam4j eval --model mobile_sam.pt --coco instances_val2017.json --images val2017/ \\",
        "      --prompt box --out eval/"})
final class EvalCommand implements Callable<Integer> {
  /** How many of the worst instances get an overlay PNG. */
  private static final int WORST = 4;

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Mixin CocoSetOptions set;

  @Option(names = "--prompt", defaultValue = "box", paramLabel = "KIND",
      description = "Prompt derivation (default: ${DEFAULT-VALUE})")
  String prompt;

  @Option(names = "--clicks", defaultValue = "0", paramLabel = "N",
      description = "Refinement clicks after the first prompt (default: ${DEFAULT-VALUE})")
  int clicks;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
      description = "Seed of the random clicks and points (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--gt-roundtrip", description = "Score against the ground truth after EdgeSAM's"
      + " resize round trip (what its script compares with) instead of the original")
  boolean gtRoundTrip;

  @Option(names = "--resume", description = "Continue the run journaled in OUT/progress.jsonl")
  boolean resume;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = commandSpec.commandLine().getErr();
    PrintWriter o = commandSpec.commandLine().getOut();
    PromptKind kind = PromptKind.parse(prompt);
    if (clicks < 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--clicks must be >= 0");
    }
    CocoDataset ds = set.read();
    Evaluation ev = new Evaluation(ds, set.images, kind, clicks, set.maxInstances, seed,
        gtRoundTrip);
    ev.checkInputs(); // missing images and malformed annotations fail before any model work
    Files.createDirectories(out);
    AtomicFiles.removeStaleTemporaries(out, 1);
    Path journal = out.resolve("progress.jsonl");
    ObjectMapper om = new ObjectMapper();
    ObjectNode settings = om.createObjectNode();
    settings.put("coco", set.coco.toAbsolutePath().normalize().toString());
    settings.put("prompt", kind.id());
    settings.put("clicks", clicks);
    settings.put("max_instances", set.maxInstances);
    settings.put("seed", seed);
    settings.put("gt_roundtrip", gtRoundTrip);
    WorstInstances worst = new WorstInstances(WORST);
    EvaluationResult r;
    long start;
    int before;
    try (Journal j = Journal.open(journal, settings, resume, om);
        SamModel m = model.load(err); SamPredictor p = m.newPredictor()) {
      Map<Long, InstanceResult> done = new LinkedHashMap<>();
      for (JsonNode n : j.entries()) {
        InstanceResult x = fromJson(n);
        done.put(x.id(), x);
      }
      before = done.size();
      start = System.nanoTime();
      r = ev.run(p, done, x -> j.append(toJson(om, x)), EtaProgress.of(err, "annotations"),
          UnaryOperator.identity(), worst::offer);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    AtomicFiles.write(out.resolve("metrics.json"), om.writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(r.toJson(ds.categories())));
    if (clicks > 0) {
      ClickChart.write(r, out.resolve("miou_per_click.png"));
    }
    worst.write(ds, set.images, out.resolve("worst"));
    printTable(o, r, ds);
    int computed = r.instances().size() - before;
    o.printf(Locale.ROOT, "%d annotations evaluated in %.1f s after loading (%.2f annotations/s)%n", computed, seconds,
        computed / Math.max(seconds, 1e-9));
    o.println("Wrote " + out.resolve("metrics.json"));
    return 0;
  }

  private static ObjectNode toJson(ObjectMapper om, InstanceResult x) {
    ObjectNode n = om.createObjectNode();
    n.put("id", x.id());
    n.put("image_id", x.imageId());
    n.put("category_id", x.categoryId());
    n.put("area", x.area());
    var a = n.putArray("ious");
    for (double v : x.ious()) {
      if (Double.isNaN(v)) {
        a.addNull();
      } else {
        a.add(v);
      }
    }
    return n;
  }

  private static InstanceResult fromJson(JsonNode n) {
    double[] ious = new double[n.get("ious").size()];
    for (int k = 0; k < ious.length; k++) {
      ious[k] = n.get("ious").get(k).isNull() ? Double.NaN : n.get("ious").get(k).asDouble();
    }
    return new InstanceResult(n.get("id").asLong(), n.get("image_id").asLong(),
        n.get("category_id").asLong(), n.get("area").asDouble(), ious);
  }

  private static void printTable(PrintWriter o, EvaluationResult r, CocoDataset ds) {
    o.printf(Locale.ROOT, "%-24s %9s %8s%n", "", "instances", "mIoU");
    o.printf(Locale.ROOT, "%-24s %9d %8.3f%n", "all", r.instances().size(), 100 * r.miou());
    for (String a : new String[] {"small", "medium", "large"}) {
      long n = r.instances().stream().filter(x -> x.areaRange().equals(a)).count();
      o.printf(Locale.ROOT, "%-24s %9d %8.3f%n", "area " + a, n,
          100 * r.miou(r.clicks(), x -> x.areaRange().equals(a)));
    }
    r.perCategory().forEach((c, v) -> o.printf(Locale.ROOT, "%-24s %9d %8.3f%n",
        ds.categories().getOrDefault(c, Long.toString(c)),
        r.instances().stream().filter(x -> x.categoryId() == c).count(), 100 * v));
    for (int k = 1; k <= r.clicks(); k++) {
      o.printf(Locale.ROOT, "%-24s %9s %8.3f%n", "after click " + k, "",
          100 * r.miou(k, x -> true));
    }
  }
}
