package io.sam4j.eval;

import io.sam4j.SamPredictor;
import io.sam4j.eval.coco.Evaluation;
import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.eval.corrupt.Corruptions;
import io.sam4j.eval.corrupt.Frost;
import io.sam4j.registry.ProgressListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A corruption-robustness study: the same COCO evaluation on the clean images and on every
 * corruption at every severity (the images are corrupted in memory; prompts and ground truth stay
 * those of the clean image). Random corruptions are seeded per image, corruption and severity.
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

  /** Runs the clean evaluation, then each corruption and severity. */
  public RobustnessResult run(SamPredictor predictor, ProgressListener progress) {
    int total = 1 + corruptions.size() * severities.size();
    progress.begin("corruption x severity runs", 0, total);
    try {
      double clean = evaluation.run(predictor, Map.of(), x -> { }, ProgressListener.NONE).miou();
      progress.update(1);
      int done = 1;
      Map<Corruption, Map<Integer, Double>> out = new LinkedHashMap<>();
      for (Corruption c : corruptions) {
        Map<Integer, Double> bySeverity = new LinkedHashMap<>();
        for (int s : severities) {
          final int sev = s;
          long seed = evaluation.seed() * 1_000_003L + c.ordinal() * 10L + s;
          double m = evaluation.run(predictor, Map.of(), x -> { }, ProgressListener.NONE,
              img -> Corruptions.apply(img, c, sev, seed ^ ((long) img.width() << 20)
                  ^ img.height(), frost)).miou();
          bySeverity.put(s, m);
          progress.update(++done);
        }
        out.put(c, bySeverity);
      }
      return new RobustnessResult(clean, out);
    } finally {
      progress.end();
    }
  }
}
