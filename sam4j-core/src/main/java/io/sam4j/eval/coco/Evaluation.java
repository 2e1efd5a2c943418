package io.sam4j.eval.coco;

import io.sam4j.SamException;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.registry.ProgressListener;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The mIoU protocol of EdgeSAM's {@code evaluation/eval_mIoU.py} on a COCO-format dataset, with
 * any model sam4j loads: for every non-crowd annotation, derive a prompt ({@link PromptKind}),
 * predict a single mask (all annotations of an image in one batched decoder call), compare with
 * the original ground truth; with {@code clicks > 0}, add EdgeSAM's refinement clicks one at a
 * time ({@link RefinementClick#edgeSam}) and record the IoU after each.
 *
 * <pre>{@code
 * CocoDataset ds = CocoDataset.read(Path.of("instances_val2017.json"));
 * try (SamModel model = SamModel.load(Path.of("mobile_sam.pt"));
 *      SamPredictor p = model.newPredictor()) {
 *   EvaluationResult r = new Evaluation(ds, Path.of("val2017"), PromptKind.BOX, 0, 0, 0L, false)
 *       .run(p, Map.of(), x -> {}, ProgressListener.NONE);
 *   System.out.println(r.miou());
 * }
 * }</pre>
 *
 * @param dataset the annotations
 * @param imagesDir the folder holding the images' {@code file_name}s
 * @param prompt how prompts are derived
 * @param clicks refinement clicks after the initial prompt (0 = none)
 * @param maxInstances evaluate at most this many annotations (0 = all)
 * @param seed seed of the random clicks and random points (per annotation: seed and id)
 * @param roundTripGt score against {@link EdgeSamPrompts#roundTrip} (what EdgeSAM's script
 *     compares with) instead of the original ground truth (the metric's definition)
 */
public record Evaluation(CocoDataset dataset, Path imagesDir, PromptKind prompt, int clicks,
    int maxInstances, long seed, boolean roundTripGt) {

  public Evaluation {
    if (clicks < 0 || maxInstances < 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "clicks and max instances must be >= 0");
    }
  }

  /** The annotations evaluated, in file order: non-crowd, at most {@code maxInstances}. */
  public List<CocoDataset.CocoAnnotation> selected() {
    List<CocoDataset.CocoAnnotation> out = new ArrayList<>();
    for (CocoDataset.CocoAnnotation a : dataset.annotations()) {
      if (!a.crowd() && (maxInstances == 0 || out.size() < maxInstances)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Checks, before any model work, that every selected annotation decodes and that every image
   * it needs exists.
   *
   * @throws SamException naming the first missing image or malformed annotation
   */
  public void checkInputs() {
    for (CocoDataset.CocoAnnotation a : selected()) {
      Path f = imagesDir.resolve(dataset.images().get(a.imageId()).fileName());
      if (!Files.isRegularFile(f)) {
        throw new SamException(SamException.Kind.IO, "image " + f + " (image_id " + a.imageId()
            + ", annotation id " + a.id() + ") does not exist");
      }
      dataset.mask(a);
    }
  }

  /**
   * Runs the evaluation.
   *
   * @param done results of an earlier, interrupted run by annotation id: these are not recomputed
   * @param sink hears every new result as soon as it is computed (to journal it for a resume)
   * @throws SamException for a missing or wrongly sized image, or a malformed annotation, before
   *     any prediction of that image
   */
  public EvaluationResult run(SamPredictor predictor, Map<Long, InstanceResult> done,
      Consumer<InstanceResult> sink, ProgressListener progress) {
    return run(predictor, done, sink, progress, UnaryOperator.identity());
  }

  /**
   * Runs the evaluation on transformed images (a corruption, say); the ground truth and the
   * prompts stay those of the original image, so the transform must keep the image size.
   *
   * @param imageTransform applied to every image after reading it
   */
  public EvaluationResult run(SamPredictor predictor, Map<Long, InstanceResult> done,
      Consumer<InstanceResult> sink, ProgressListener progress,
      UnaryOperator<RgbImage> imageTransform) {
    return run(predictor, done, sink, progress, imageTransform, (r, m) -> { });
  }

  /**
   * Runs the evaluation and hands every new result with its final predicted mask (at the image's
   * size) to {@code predictions}, for overlays of chosen instances.
   */
  public EvaluationResult run(SamPredictor predictor, Map<Long, InstanceResult> done,
      Consumer<InstanceResult> sink, ProgressListener progress,
      UnaryOperator<RgbImage> imageTransform, BiConsumer<InstanceResult, Mask> predictions) {
    return run(predictor, done, sink, progress, (img, a) -> imageTransform.apply(img), false,
        predictions);
  }

  /** A transform of the image that one annotation is evaluated on (an occlusion of its box). */
  @FunctionalInterface
  public interface ObjectTransform {
    /** The image for {@code annotation}, of the same size as {@code image}. */
    RgbImage apply(RgbImage image, CocoDataset.CocoAnnotation annotation);
  }

  /**
   * Runs the evaluation with each annotation on its own transformed image: one image encoding per
   * annotation instead of one per image (the prompts and the ground truth stay the original's).
   */
  public EvaluationResult runPerObject(SamPredictor predictor, Map<Long, InstanceResult> done,
      Consumer<InstanceResult> sink, ProgressListener progress, ObjectTransform transform) {
    return run(predictor, done, sink, progress, transform, true, (r, m) -> { });
  }

  private EvaluationResult run(SamPredictor predictor, Map<Long, InstanceResult> done,
      Consumer<InstanceResult> sink, ProgressListener progress, ObjectTransform transform,
      boolean perObject, BiConsumer<InstanceResult, Mask> predictions) {
    List<CocoDataset.CocoAnnotation> sel = selected();
    Map<Long, List<CocoDataset.CocoAnnotation>> byImage = new LinkedHashMap<>();
    for (CocoDataset.CocoAnnotation a : sel) {
      byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(a);
    }
    checkInputs();
    Map<Long, InstanceResult> results = new LinkedHashMap<>();
    long count = sel.stream().filter(a -> done.containsKey(a.id())).count();
    progress.begin("evaluating annotations", count, sel.size());
    try {
      for (Map.Entry<Long, List<CocoDataset.CocoAnnotation>> e : byImage.entrySet()) {
        List<CocoDataset.CocoAnnotation> todo = new ArrayList<>();
        for (CocoDataset.CocoAnnotation a : e.getValue()) {
          if (!done.containsKey(a.id())) {
            todo.add(a);
          }
        }
        List<List<CocoDataset.CocoAnnotation>> groups = new ArrayList<>();
        if (perObject) {
          todo.forEach(a -> groups.add(List.of(a)));
        } else if (!todo.isEmpty()) {
          groups.add(todo);
        }
        for (List<CocoDataset.CocoAnnotation> group : groups) {
          List<Mask> masks = new ArrayList<>();
          CocoDataset.CocoAnnotation only = group.get(0);
          List<InstanceResult> rs = evaluateImage(predictor, e.getKey(), group,
              img -> transform.apply(img, only), masks);
          for (int i = 0; i < rs.size(); i++) {
            InstanceResult r = rs.get(i);
            predictions.accept(r, masks.get(i));
            results.put(r.id(), r);
            sink.accept(r);
            progress.update(++count);
          }
        }
      }
    } finally {
      progress.end();
    }
    List<InstanceResult> ordered = new ArrayList<>();
    for (CocoDataset.CocoAnnotation a : sel) {
      ordered.add(done.containsKey(a.id()) ? done.get(a.id()) : results.get(a.id()));
    }
    return new EvaluationResult(prompt, clicks, ordered);
  }

  private List<InstanceResult> evaluateImage(SamPredictor predictor, long imageId,
      List<CocoDataset.CocoAnnotation> anns, UnaryOperator<RgbImage> imageTransform,
      List<Mask> finalMasks) {
    CocoDataset.CocoImage im = dataset.images().get(imageId);
    RgbImage img = Images.read(imagesDir.resolve(im.fileName()));
    if (img.width() != im.width() || img.height() != im.height()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "image " + im.fileName() + " is "
          + img.width() + "x" + img.height() + " but the annotations say " + im.width() + "x"
          + im.height());
    }
    int n = anns.size();
    Mask[] gts = new Mask[n];
    boolean[][] gt1024 = new boolean[n][];
    List<List<float[]>> points = new ArrayList<>();
    float[][] boxes = new float[n][];
    SplittableRandom[] rngs = new SplittableRandom[n];
    boolean needs1024 = clicks > 0 || prompt == PromptKind.POINT_CENTER
        || prompt == PromptKind.BOX_POINT || prompt == PromptKind.POINT_RANDOM;
    for (int i = 0; i < n; i++) {
      CocoDataset.CocoAnnotation a = anns.get(i);
      gts[i] = dataset.mask(a);
      gt1024[i] = needs1024 ? EdgeSamPrompts.gt1024(gts[i]) : null;
      rngs[i] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + a.id());
      float[] box = EdgeSamPrompts.box1024(a.bbox(), im.height(), im.width());
      List<float[]> pts = new ArrayList<>();
      switch (prompt) {
        case BOX -> boxes[i] = box;
        case BOX_POINT -> {
          boxes[i] = box;
          pts.add(point(MaskCenters.korniaCenter(gt1024[i], 1024, 1024), 1));
        }
        case POINT_CENTER -> pts.add(point(MaskCenters.korniaCenter(gt1024[i], 1024, 1024), 1));
        case BOX_CENTER -> pts.add(withLabel(EdgeSamPrompts.boxCenterAsCoded(box), 1));
        case BOX_CENTER_INTENDED -> pts.add(withLabel(EdgeSamPrompts.boxCenterIntended(box), 1));
        case POINT_CENTER_EDT -> {
          int[] c = MaskCenters.exactCenter(EdgeSamPrompts.bits(gts[i]), im.width(), im.height());
          float[] s = EdgeSamPrompts.scale(im.height(), im.width());
          pts.add(new float[] {c[0] * s[0], c[1] * s[1], 1});
        }
        case POINT_RANDOM -> pts.add(randomPoint(gt1024[i], rngs[i]));
        default -> throw new IllegalStateException();
      }
      points.add(pts);
    }
    predictor.setImage(imageTransform.apply(img));
    float[] s = EdgeSamPrompts.scale(im.height(), im.width());
    int[] inputHw = EdgeSamPrompts.inputSize(im.height(), im.width());
    double[][] ious = new double[n][clicks + 1];
    Mask[] scored = new Mask[n];
    for (int i = 0; i < n; i++) {
      scored[i] = roundTripGt ? EdgeSamPrompts.roundTrip(gts[i]) : gts[i];
    }
    List<Prediction> preds = predictor.predictBatch(prompts(boxes, points, s, null));
    for (int k = 0; k <= clicks; k++) {
      if (k > 0) {
        boolean[] changed = new boolean[n];
        for (int i = 0; i < n; i++) {
          Prediction p = preds.get(i);
          int side = p.lowResSize();
          float[] logits = p.lowResLogits(0);
          boolean[] low = new boolean[logits.length];
          for (int j = 0; j < low.length; j++) {
            low[j] = logits[j] > 0;
          }
          Optional<RefinementClick.Click> c = RefinementClick.edgeSam(
              RefinementClick.errorMap(low, side, gt1024[i], inputHw), rngs[i]);
          if (c.isPresent()) {
            points.get(i).add(new float[] {c.get().x(), c.get().y(), c.get().label()});
            changed[i] = true;
          }
        }
        List<Prediction> again = predictor.predictBatch(prompts(boxes, points, s, changed));
        List<Prediction> merged = new ArrayList<>();
        for (int i = 0, j = 0; i < n; i++) {
          merged.add(changed[i] ? again.get(j++) : preds.get(i));
        }
        preds = merged;
      }
      for (int i = 0; i < n; i++) {
        ious[i][k] = overlap(preds.get(i).masks().get(0), scored[i]).iou();
      }
    }
    List<InstanceResult> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CocoDataset.CocoAnnotation a = anns.get(i);
      double area = a.area() > 0 ? a.area() : gts[i].area();
      out.add(new InstanceResult(a.id(), a.imageId(), a.categoryId(), area, ious[i]));
      finalMasks.add(preds.get(i).masks().get(0));
    }
    return out;
  }

  /** Prompts in original image coordinates from 1024-space boxes and points (only {@code which}). */
  private static List<Prompt> prompts(float[][] boxes, List<List<float[]>> points, float[] s,
      boolean[] which) {
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < boxes.length; i++) {
      if (which != null && !which[i]) {
        continue;
      }
      Prompt.Builder b = Prompt.builder().multimask(false);
      if (boxes[i] != null) {
        float[] bx = boxes[i];
        b.box(bx[0] / s[0], bx[1] / s[1], bx[2] / s[0], bx[3] / s[1]);
      }
      for (float[] p : points.get(i)) {
        b.point(p[0] / s[0], p[1] / s[1], p[2] > 0 ? Label.FOREGROUND : Label.BACKGROUND);
      }
      out.add(b.build());
    }
    return out;
  }

  private static float[] point(int[] xy, int label) {
    return new float[] {xy[0], xy[1], label};
  }

  private static float[] withLabel(float[] xy, int label) {
    return new float[] {xy[0], xy[1], label};
  }

  /** EdgeSAM's {@code mask-rand}: a uniform pixel of the 1024 ground truth; (0, 0) if empty. */
  private static float[] randomPoint(boolean[] gt, SplittableRandom rng) {
    int count = 0;
    for (boolean b : gt) {
      count += b ? 1 : 0;
    }
    if (count == 0) {
      return new float[] {0, 0, 1};
    }
    int k = rng.nextInt(count);
    for (int i = 0; i < gt.length; i++) {
      if (gt[i] && k-- == 0) {
        return new float[] {i % 1024, i / 1024, 1};
      }
    }
    throw new IllegalStateException();
  }

  /**
   * Intersection and union of a prediction and a ground truth, and their IoU (NaN when the union
   * is empty: such instances are dropped from the mean, as EdgeSAM does).
   */
  public record Overlap(long intersection, long union) {
    /** {@code intersection / union}, NaN for an empty union. */
    public double iou() {
      return union == 0 ? Double.NaN : (double) intersection / union;
    }
  }

  /** The overlap of two masks of the same size. */
  public static Overlap overlap(Mask pred, Mask gt) {
    if (pred.width() != gt.width() || pred.height() != gt.height()) {
      throw new IllegalArgumentException("prediction " + pred.width() + "x" + pred.height()
          + " and ground truth " + gt.width() + "x" + gt.height() + " differ in size");
    }
    byte[] a = pred.toByteArray();
    byte[] b = gt.toByteArray();
    long inter = 0;
    long union = 0;
    for (int i = 0; i < a.length; i++) {
      boolean p = a[i] != 0;
      boolean g = b[i] != 0;
      if (p && g) {
        inter++;
      }
      if (p || g) {
        union++;
      }
    }
    return new Overlap(inter, union);
  }
}
