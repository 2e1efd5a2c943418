package io.sam4j.eval;

import io.sam4j.SamPredictor;
import io.sam4j.eval.coco.CocoDataset;
import io.sam4j.eval.coco.Evaluation;
import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.eval.corrupt.Corruptions;
import io.sam4j.eval.corrupt.Frost;
import io.sam4j.registry.ProgressListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A corruption-robustness study: the same COCO evaluation on the clean images and on every
 * corruption at every severity (the images are corrupted in memory; prompts and ground truth stay
 * those of the clean image). Random corruptions are seeded per image, corruption and severity.
 * Occlusion ({@link Corruption#needsBox()}) covers each annotation's own box ({@link #box}) on an
 * image of its own, seeded per annotation ({@link #objectSeed}): one encoding per annotation.
 *
 * <pre>{@code
 * RobustnessResult r = new Robustness(evaluation, Corruptions.available(), List.of(1, 3, 5), null)
 *     .run(predictor, ProgressListener.NONE);
 * }</pre>
 *
 * @param evaluation the clean evaluation (dataset, prompt kind, limits, seed)
 * @param corruptions the corruptions to apply
 * @param severities the severities, each 1..5
 * @param frost the frost photographs, or null when {@code corruptions} has no frost
 */
public record Robustness(Evaluation evaluation, List<Corruption> corruptions,
    List<Integer> severities, Frost frost) {

  public Robustness {
    corruptions = List.copyOf(corruptions);
    severities = List.copyOf(severities);
  }

  /**
   * mIoU on clean and corrupted images.
   *
   * @param clean mIoU on the clean images
   * @param miou mIoU per corruption, then per severity (in the study's order)
   */
  public record RobustnessResult(double clean, Map<Corruption, Map<Integer, Double>> miou) {
    public RobustnessResult {
      Map<Corruption, Map<Integer, Double>> copy = new LinkedHashMap<>();
      miou.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableMap(
          new LinkedHashMap<>(v))));
      miou = java.util.Collections.unmodifiableMap(copy);
    }

    /** Mean absolute drop {@code clean - mIoU} over every corruption and severity. */
    public double meanDrop() {
      double s = 0;
      int n = 0;
      for (Map<Integer, Double> m : miou.values()) {
        for (double v : m.values()) {
          s += clean - v;
          n++;
        }
      }
      return n == 0 ? Double.NaN : s / n;
    }

    /** Mean relative drop {@code 1 - mIoU / clean} over every corruption and severity. */
    public double meanRelativeDrop() {
      return meanDrop() / clean;
    }
  }

  /**
   * The box a per-object corruption ({@link Corruption#needsBox()}, occlusion) covers: the
   * annotation's {@code bbox} (the box prompt's source) as XYXY {@code x, y, x + w, y + h}.
   */
  public static double[] box(CocoDataset.CocoAnnotation a) {
    double[] b = a.bbox();
    return new double[] {b[0], b[1], b[0] + b[2], b[1] + b[3]};
  }

  /** The seed of the run of corruption {@code c} at severity {@code s} in a study seeded so. */
  public static long runSeed(long seed, Corruption c, int s) {
    return seed * 1_000_003L + c.ordinal() * 10L + s;
  }

  /** The seed of a per-object corruption of annotation {@code a} in the run seeded {@code seed}. */
  public static long objectSeed(long seed, CocoDataset.CocoAnnotation a) {
    long z = seed + a.id() * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Runs the clean evaluation, then each corruption and severity. */
  public RobustnessResult run(SamPredictor predictor, ProgressListener progress) {
    return run(predictor, progress, Map.of(), (k, v) -> { });
  }

  /**
   * The name of one run of the study: {@code "clean"}, or the corruption's id and the severity
   * ({@code "fog/3"}), as {@link #run(SamPredictor, ProgressListener, Map, BiConsumer)} uses it.
   *
   * @param c the corruption, or null for the clean run
   */
  public static String runName(Corruption c, int severity) {
    return c == null ? "clean" : c.id() + "/" + severity;
  }

  /**
   * Runs the clean evaluation, then each corruption and severity, skipping the runs an earlier,
   * interrupted study finished.
   *
   * @param done mIoU of finished runs by {@link #runName}: these are not recomputed
   * @param sink hears every new run's name and mIoU as soon as it is computed (to journal it)
   */
  public RobustnessResult run(SamPredictor predictor, ProgressListener progress,
      Map<String, Double> done, BiConsumer<String, Double> sink) {
    int total = 1 + corruptions.size() * severities.size();
    progress.begin("corruption x severity runs", 0, total);
    try {
      double clean = measure(null, 0, predictor, done, sink);
      progress.update(1);
      int count = 1;
      Map<Corruption, Map<Integer, Double>> out = new LinkedHashMap<>();
      for (Corruption c : corruptions) {
        Map<Integer, Double> bySeverity = new LinkedHashMap<>();
        for (int s : severities) {
          bySeverity.put(s, measure(c, s, predictor, done, sink));
          progress.update(++count);
        }
        out.put(c, bySeverity);
      }
      return new RobustnessResult(clean, out);
    } finally {
      progress.end();
    }
  }

  /** mIoU of one run ({@code c} null: clean), from {@code done} when it is there. */
  private double measure(Corruption c, int sev, SamPredictor predictor, Map<String, Double> done,
      BiConsumer<String, Double> sink) {
    String name = runName(c, sev);
    Double known = done.get(name);
    if (known != null) {
      return known;
    }
    double m;
    if (c == null) {
      m = evaluation.run(predictor, Map.of(), x -> { }, ProgressListener.NONE).miou();
    } else {
      long seed = runSeed(evaluation.seed(), c, sev);
      m = c.needsBox()
          ? evaluation.runPerObject(predictor, Map.of(), x -> { }, ProgressListener.NONE,
              (img, a) -> Corruptions.apply(img, c, sev, objectSeed(seed, a), frost, box(a)))
              .miou()
          : evaluation.run(predictor, Map.of(), x -> { }, ProgressListener.NONE,
              img -> Corruptions.apply(img, c, sev, seed ^ ((long) img.width() << 20)
                  ^ img.height(), frost)).miou();
    }
    sink.accept(name, m);
    return m;
  }
}
