package io.sam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.eval.Robustness;
import io.sam4j.eval.coco.CocoDataset;
import io.sam4j.eval.coco.Evaluation;
import io.sam4j.eval.coco.PromptKind;
import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.eval.corrupt.Corruptions;
import io.sam4j.eval.corrupt.Frost;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j robustness}: mIoU under every ImageNet-C corruption, and occlusion, by severity. */
@Command(
    name = "robustness",
    header = "Measure how much of a model's mIoU survives ImageNet-C corruptions and occlusion.",
    mixinStandardHelpOptions = true,
    description = {
        "Run the COCO mIoU evaluation of 'sam4j eval' on the clean images, then on the images",
        "corrupted in memory by each ImageNet-C corruption at each severity (prompts and ground",
        "truth stay those of the clean image), and with occlusion: a patch of random colour over",
        "10% x severity of each object's box (its annotation bbox), each object on its own image",
        "(one encoding per object). Writes OUT/robustness.json (mIoU per corruption and",
        "severity, mean drop relative to clean), OUT/heatmap.png, OUT/index.html with the table,",
        "the heatmap and one example image per corruption. OUT/progress.jsonl journals each finished",
        "corruption x severity run so that --resume continues an interrupted study.",
        "Example:",
        "  sam4j robustness --model mobile_sam.pt --coco instances.json --images val2017/ \\",
        "      --corruptions zoom_blur,fog --severities 1-5 --max-instances 200 --out robust/"})
final class RobustnessCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Mixin CocoSetOptions set;

  @Option(names = "--corruptions", defaultValue = "all", paramLabel = "all|A,B",
      description = "Corruptions (default: every available one, occlusion included)")
  String corruptions;

  @Option(names = "--severities", defaultValue = "1-5", paramLabel = "1-5|1,3,5",
      description = "Severities (default: ${DEFAULT-VALUE})")
  String severities;

  @Option(names = "--prompt", defaultValue = "box", paramLabel = "KIND",
      description = "Prompt derivation as in 'sam4j eval' (default: ${DEFAULT-VALUE})")
  String prompt;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
      description = "Seed of the random corruptions and points (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--frost-dir", paramLabel = "DIR", description = "Folder of the frost"
      + " photographs of hendrycks/robustness; adds frost to 'all'")
  Path frostDir;

  @Option(names = "--resume", description = "Continue the study journaled in OUT/progress.jsonl"
      + " (finished corruption x severity runs are not repeated)")
  boolean resume;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = commandSpec.commandLine().getErr();
    PrintWriter o = commandSpec.commandLine().getOut();
    Frost frost = frostDir == null ? null : Frost.load(frostDir);
    List<Corruption> cs = parseCorruptions(corruptions, frost != null);
    List<Integer> sev = parseSeverities(severities);
    PromptKind kind = PromptKind.parse(prompt);
    CocoDataset ds = set.read();
    Evaluation ev = new Evaluation(ds, set.images, kind, 0, set.maxInstances, seed, false);
    ev.checkInputs();
    Files.createDirectories(out);
    AtomicFiles.removeStaleTemporaries(out, 1);
    ObjectMapper om = new ObjectMapper();
    ObjectNode settings = om.createObjectNode();
    settings.put("model", model.model);
    settings.put("precision", model.precision);
    settings.put("coco", set.coco.toAbsolutePath().normalize().toString());
    settings.put("prompt", kind.id());
    settings.put("max_instances", set.maxInstances);
    settings.put("seed", seed);
    Robustness.RobustnessResult r;
    long start;
    int resumed;
    int resumedCorrupted;
    try (Journal journal = Journal.open(out.resolve("progress.jsonl"), settings, resume, om);
        SamModel m = model.load(err); SamPredictor p = m.newPredictor()) {
      Map<String, Double> done = new LinkedHashMap<>();
      for (JsonNode n : journal.entries()) {
        done.put(n.get("run").asText(), n.get("mIoU").isNull() ? Double.NaN
            : n.get("mIoU").asDouble());
      }
      resumed = done.size();
      resumedCorrupted = (int) done.keySet().stream().filter(k -> !k.equals("clean")).count();
      start = System.nanoTime();
      r = new Robustness(ev, cs, sev, frost).run(p, EtaProgress.of(err, "runs"), done,
          (name, v) -> {
            ObjectNode n = om.createObjectNode().put("run", name);
            if (Double.isNaN(v)) {
              n.putNull("mIoU");
            } else {
              n.put("mIoU", v);
            }
            journal.append(n);
          });
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    long imageCount = ev.selected().stream().map(CocoDataset.CocoAnnotation::imageId).distinct()
        .count();
    ObjectNode j = om.createObjectNode();
    j.put("prompt", kind.id());
    j.put("instances", ev.selected().size());
    j.put("images", imageCount);
    j.put("clean_mIoU", r.clean());
    j.put("mean_drop", r.meanDrop());
    j.put("mean_relative_drop", r.meanRelativeDrop());
    ObjectNode per = j.putObject("mIoU");
    r.miou().forEach((c, bySev) -> {
      ObjectNode n = per.putObject(c.id());
      bySev.forEach((s, v) -> n.put(Integer.toString(s), v));
    });
    AtomicFiles.write(out.resolve("robustness.json"), om.writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(j));
    RobustnessReport.heatmap(r, sev, out.resolve("heatmap.png"));
    CocoDataset.CocoAnnotation firstAnn = ev.selected().get(0);
    CocoDataset.CocoImage first = ds.images().get(firstAnn.imageId());
    RgbImage example = Images.read(set.images.resolve(first.fileName()));
    int mid = sev.get(sev.size() / 2);
    List<String> examples = new ArrayList<>();
    for (Corruption c : cs) {
      String name = "examples/" + c.id() + "_s" + mid + ".png";
      Images.writePng(c.needsBox()
          ? Corruptions.apply(example, c, mid, Robustness.objectSeed(Robustness.runSeed(seed, c,
              mid), firstAnn), frost, Robustness.box(firstAnn))
          : Corruptions.apply(example, c, mid, seed, frost), out.resolve(name));
      examples.add(name);
    }
    AtomicFiles.write(out.resolve("index.html"), RobustnessReport.html(r, sev, examples, mid)
        .getBytes(StandardCharsets.UTF_8));
    o.printf(Locale.ROOT, "clean mIoU %.3f, mean drop %.3f (%.1f%% relative)%n", 100 * r.clean(),
        100 * r.meanDrop(), 100 * r.meanRelativeDrop());
    for (Map.Entry<Corruption, Map<Integer, Double>> e : r.miou().entrySet()) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s", e.getKey().id()));
      e.getValue().forEach((s, v) -> sb.append(String.format(Locale.ROOT, " s%d %7.3f", s, 100 * v)));
      o.println(sb);
    }
    if (resumed > 0) {
      o.printf(Locale.ROOT, "%d runs taken from the journal of the interrupted study%n", resumed);
    }
    long fresh = (long) cs.size() * sev.size() - resumedCorrupted;
    double runs = (double) imageCount * fresh;
    o.printf(Locale.ROOT, "%.0f image x corruption x severity runs in %.2f min (%.1f per minute)%n",
        runs, minutes, runs / Math.max(minutes, 1e-9));
    o.println("Wrote " + out.resolve("index.html"));
    return 0;
  }

  static List<Corruption> parseCorruptions(String s, boolean frost) {
    if (s.strip().equalsIgnoreCase("all")) {
      List<Corruption> all = new ArrayList<>();
      for (Corruption c : Corruption.values()) {
        if (c != Corruption.FROST || frost) {
          all.add(c);
        }
      }
      return all;
    }
    List<Corruption> out = new ArrayList<>();
    for (String w : s.split(",")) {
      Corruption c = Corruptions.parse(w);
      if (c == Corruption.FROST && !frost) {
        throw new SamException(SamException.Kind.BAD_INPUT, "corruption " + c.id()
            + " needs --frost-dir; available without it: " + parseCorruptions("all", false)
            .stream().map(Corruption::id).toList());
      }
      out.add(c);
    }
    return out;
  }

  static List<Integer> parseSeverities(String s) {
    List<Integer> out = new ArrayList<>();
    try {
      for (String part : s.split(",")) {
        String[] ab = part.strip().split("-");
        int a = Integer.parseInt(ab[0].strip());
        int b = ab.length > 1 ? Integer.parseInt(ab[1].strip()) : a;
        for (int k = a; k <= b; k++) {
          out.add(k);
        }
      }
    } catch (NumberFormatException e) {
      out.clear();
    }
    if (out.isEmpty() || out.stream().anyMatch(k -> k < 1 || k > 5)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--severities '" + s + "' must name"
          + " severities 1..5, like 1-5 or 1,3,5");
    }
    return out;
  }
}
