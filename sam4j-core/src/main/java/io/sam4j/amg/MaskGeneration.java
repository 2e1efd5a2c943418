package io.sam4j.amg;

import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.MaskRecord;
import io.sam4j.transform.MaskPostprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One run of automatic mask generation over one image, step by step as the reference's
 * {@code _generate_masks}: per crop, encode, decode the point grid in batches with three masks per
 * point, filter by predicted IoU, stability and crop edges, NMS within the crop; then NMS across
 * crops preferring smaller crops, and the optional removal of small regions and holes.
 */
public final class MaskGeneration {
  /** What the generation needs from a predictor. */
  public interface Decoder {
    /** Encodes a crop; returns its resized input size {H, W}. */
    int[] setImage(RgbImage crop);

    /**
     * Decodes single-point prompts (all with the same token count); prompts whose masks all have
     * a predicted IoU at or below {@code iouThreshold} may come back without masks.
     *
     * @param iouThreshold NaN for masks of every prompt
     */
    Decoded decode(List<Prompt> prompts, double iouThreshold);

    /**
     * A new upscaler of the current crop's low-res logits to {@code size} {H, W}, or null for
     * SAM's (to the padded input, crop to the input size, resize).
     */
    default MaskPostprocessor upscaler(int[] size) {
      return null;
    }

    /**
     * Whether the family cleans the low-res logits of regions up to
     * {@code min_mask_region_area} itself (SAM 2: {@link LowResRegions}, applied here before the
     * logits are upscaled), instead of SAM's cleaning of the full-resolution masks.
     */
    default boolean cleansLowResRegions() {
      return false;
    }

    /** The bound of the low-res logits the predictor returns (SAM 2: 32), for mask inputs. */
    default float lowResClamp() {
      return Float.POSITIVE_INFINITY;
    }
  }

  /**
   * Raw decoder outputs: low-res logits [B', M, s, s] of the prompts that got masks, IoU [B, M],
   * and each prompt's row in the logits (-1: no masks).
   */
  public record Decoded(float[] lowRes, float[] iou, int masksPerPrompt, int[] rows) {}

  /** Receives progress in decoded points. */
  public interface ProgressSink {
    void update(long done, long total);
  }

  private final AmgConfig config;
  private final RgbImage image;
  private final Decoder decoder;
  private final int lowResSize;
  private final int paddedSize;
  private final ProgressSink progress;

  public MaskGeneration(AmgConfig config, RgbImage image, Decoder decoder, int lowResSize,
      int paddedSize, ProgressSink progress) {
    this.config = config;
    this.image = image;
    this.decoder = decoder;
    this.lowResSize = lowResSize;
    this.paddedSize = paddedSize;
    this.progress = progress;
  }

  /** Runs the generation and returns the records. */
  public List<MaskRecord> run() {
    int h = image.height();
    int w = image.width();
    List<CropBoxes.Crop> crops = CropBoxes.generate(h, w, config.cropNLayers(),
        config.cropOverlapRatio());
    List<double[]> grids = config.pointGrids();
    long total = 0;
    for (CropBoxes.Crop c : crops) {
      total += grids.get(c.layer()).length / 2;
    }
    long[] done = {0};
    List<MaskCandidate> all = new ArrayList<>();
    for (CropBoxes.Crop crop : crops) {
      all.addAll(processCrop(crop, grids.get(crop.layer()), done, total));
    }
    if (crops.size() > 1) {
      float[] boxes = boxes(all);
      float[] scores = new float[all.size()];
      for (int i = 0; i < scores.length; i++) {
        CropBoxes.Crop c = all.get(i).crop();
        scores[i] = 1f / (float) ((long) c.width() * c.height());
      }
      all = select(all, nms(boxes, scores, (float) config.cropNmsThresh()));
    }
    if (config.minMaskRegionArea() > 0 && !decoder.cleansLowResRegions()) {
      all = SmallRegions.postprocess(all, h, w, config.minMaskRegionArea(),
          (float) Math.max(config.boxNmsThresh(), config.cropNmsThresh()), this::nms);
    }
    List<MaskRecord> out = new ArrayList<>();
    for (MaskCandidate c : all) {
      float[] b = c.box();
      CropBoxes.Crop cr = c.crop();
      out.add(new MaskRecord(c.rle(),
          new int[] {(int) b[0], (int) b[1], (int) (b[2] - b[0]), (int) (b[3] - b[1])},
          c.iou(), c.point(), c.stability(),
          new int[] {cr.x0(), cr.y0(), cr.width(), cr.height()}));
    }
    return out;
  }

  private List<MaskCandidate> processCrop(CropBoxes.Crop crop, double[] grid, long[] done,
      long total) {
    RgbImage cropped = image.crop(crop.x0(), crop.y0(), crop.x1(), crop.y1());
    int[] inputSize = decoder.setImage(cropped);
    int n = grid.length / 2;
    List<MaskCandidate> found = new ArrayList<>();
    int[] cropSize = {crop.height(), crop.width()};
    ThreadLocal<CropMaskAnalyzer> analyzers = ThreadLocal.withInitial(() -> {
      MaskPostprocessor up = decoder.upscaler(cropSize);
      return new CropMaskAnalyzer(crop, image.height(), image.width(), up != null ? up
          : new MaskPostprocessor(lowResSize, paddedSize, inputSize, cropSize),
          (float) config.stabilityScoreOffset(), (float) config.stabilityScoreThresh());
    });
    for (int from = 0; from < n; from += config.pointsPerBatch()) {
      int to = Math.min(n, from + config.pointsPerBatch());
      double[][] points = new double[to - from][];
      List<Prompt> prompts = new ArrayList<>();
      for (int i = from; i < to; i++) {
        // points_for_image = grid * [crop width, crop height], in float64
        double[] p = {grid[2 * i] * crop.width(), grid[2 * i + 1] * crop.height()};
        points[i - from] = p;
        prompts.add(Prompt.builder().point(p[0], p[1], Label.FOREGROUND)
            .multimask(config.multimaskOutput()).build());
      }
      boolean m2m = config.useM2m();
      Decoded d = decoder.decode(prompts,
          config.predIouThresh() > 0 && !m2m ? config.predIouThresh() : Double.NaN);
      int m = d.masksPerPrompt();
      // the returned masks: 1..M-1 with multimask output, else slot 0 (SAM 2: the dynamic choice)
      int perPrompt = config.multimaskOutput() ? m - 1 : 1;
      int first = config.multimaskOutput() ? 1 : 0;
      int side = lowResSize * lowResSize;
      int count = points.length * perPrompt;
      float[] logits = d.lowRes();
      float[] ious = new float[count];
      int[] offsets = new int[count];
      for (int k = 0; k < count; k++) {
        int i = k / perPrompt;
        int t = first + k % perPrompt;
        ious[k] = d.iou()[i * m + t];
        offsets[k] = d.rows()[i] < 0 ? -1 : (d.rows()[i] * m + t) * side;
      }
      if (m2m) {
        Decoded r = refine(points, perPrompt, logits, offsets);
        logits = r.lowRes();
        for (int k = 0; k < count; k++) {
          ious[k] = r.iou()[k * r.masksPerPrompt()];
          offsets[k] = k * r.masksPerPrompt() * side;
        }
      }
      float[] source = logits;
      boolean clean = decoder.cleansLowResRegions() && config.minMaskRegionArea() > 0;
      MaskCandidate[] batch = new MaskCandidate[count];
      IntStream.range(0, count).parallel().forEach(k -> {
        float iou = ious[k];
        if (offsets[k] < 0 || config.predIouThresh() > 0 && !(iou > config.predIouThresh())) {
          return;
        }
        if (clean) {
          LowResRegions.fill(source, offsets[k], lowResSize, config.minMaskRegionArea());
        }
        batch[k] = analyzers.get().analyze(source, offsets[k], iou, points[k / perPrompt]);
      });
      for (MaskCandidate c : batch) {
        if (c != null) {
          found.add(c);
        }
      }
      done[0] += to - from;
      progress.update(done[0], total);
    }
    float[] scores = new float[found.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = found.get(i).iou();
    }
    return select(found, nms(boxes(found), scores, (float) config.boxNmsThresh()));
  }

  /**
   * SAM 2's {@code refine_with_m2m}: every mask decoded again, prompted with its point and its own
   * low-res logits (as the predictor returns them, clamped) as mask input, single-mask output;
   * in batches of {@code points_per_batch}, in order.
   *
   * @return the refined logits [count, M, s, s] (slot 0 is each answer) and IoU [count, M]
   */
  private Decoded refine(double[][] points, int perPrompt, float[] logits, int[] offsets) {
    int side = lowResSize * lowResSize;
    int count = offsets.length;
    float bound = decoder.lowResClamp();
    float[] outLogits = null;
    float[] outIou = null;
    int m = 0;
    for (int from = 0; from < count; from += config.pointsPerBatch()) {
      int to = Math.min(count, from + config.pointsPerBatch());
      List<Prompt> prompts = new ArrayList<>();
      for (int k = from; k < to; k++) {
        float[] mask = java.util.Arrays.copyOfRange(logits, offsets[k], offsets[k] + side);
        for (int j = 0; j < side; j++) {
          mask[j] = Math.max(-bound, Math.min(bound, mask[j]));
        }
        double[] p = points[k / perPrompt];
        prompts.add(Prompt.builder().point(p[0], p[1], Label.FOREGROUND).maskInput(mask)
            .multimask(false).build());
      }
      Decoded d = decoder.decode(prompts, Double.NaN);
      m = d.masksPerPrompt();
      if (outLogits == null) {
        outLogits = new float[count * m * side];
        outIou = new float[count * m];
      }
      System.arraycopy(d.lowRes(), 0, outLogits, from * m * side, (to - from) * m * side);
      System.arraycopy(d.iou(), 0, outIou, from * m, (to - from) * m);
    }
    return new Decoded(outLogits == null ? new float[0] : outLogits,
        outIou == null ? new float[0] : outIou, m, IntStream.range(0, count).toArray());
  }

  private int[] nms(float[] boxes, float[] scores, float threshold) {
    return config.nmsMode() == AmgConfig.NmsMode.FAST
        ? BoxNms.fast(boxes, scores, threshold)
        : BoxNms.standard(boxes, scores, threshold);
  }

  private static float[] boxes(List<MaskCandidate> cs) {
    float[] b = new float[cs.size() * 4];
    for (int i = 0; i < cs.size(); i++) {
      System.arraycopy(cs.get(i).box(), 0, b, 4 * i, 4);
    }
    return b;
  }

  private static List<MaskCandidate> select(List<MaskCandidate> cs, int[] keep) {
    List<MaskCandidate> out = new ArrayList<>(keep.length);
    for (int k : keep) {
      out.add(cs.get(k));
    }
    return out;
  }
}
