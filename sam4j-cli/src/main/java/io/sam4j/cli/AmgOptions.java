package io.sam4j.cli;

import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.SamModel;
import io.sam4j.amg.AmgConfig;
import picocli.CommandLine.Option;

/**
 * The automatic-mask-generation options of {@code sam4j everything}, shared with every command
 * that segments everything (such as {@code sam4j spark-job}): one place for their names and
 * defaults, which are the reference's.
 */
public final class AmgOptions {
  @Option(names = "--points-per-side", defaultValue = "32", description = "Grid points along one side (default ${DEFAULT-VALUE})")
  int pointsPerSide;

  @Option(names = "--points-per-batch", defaultValue = "64", description = "Points decoded per batch (default ${DEFAULT-VALUE})")
  int pointsPerBatch;

  @Option(names = "--pred-iou-thresh", description = "Keep masks whose predicted IoU is above this (default: 0.88; SAM 2 family 0.8)")
  Double predIouThresh;

  @Option(names = "--stability-score-thresh", defaultValue = "0.95", description = "Keep masks at least this stable (default ${DEFAULT-VALUE})")
  double stabilityScoreThresh;

  @Option(names = "--stability-score-offset", defaultValue = "1.0", description = "Logit offset of the stability score (default ${DEFAULT-VALUE})")
  double stabilityScoreOffset;

  @Option(names = "--box-nms-thresh", defaultValue = "0.7", description = "Box IoU above which duplicates are dropped (default ${DEFAULT-VALUE})")
  double boxNmsThresh;

  @Option(names = "--crop-n-layers", defaultValue = "0", description = "Layers of image crops, each with 4x the crops (default ${DEFAULT-VALUE})")
  int cropNLayers;

  @Option(names = "--crop-nms-thresh", defaultValue = "0.7", description = "Box IoU for duplicates across crops (default ${DEFAULT-VALUE})")
  double cropNmsThresh;

  @Option(names = "--crop-overlap-ratio", defaultValue = "0.3413333333333333", description = "Overlap of first-layer crops, as a fraction of the short side (default 512/1500)")
  double cropOverlapRatio;

  @Option(names = "--crop-n-points-downscale-factor", defaultValue = "1", description = "Grid points per side divided by this per crop layer (default ${DEFAULT-VALUE})")
  int cropNPointsDownscaleFactor;

  @Option(names = "--min-mask-region-area", defaultValue = "0", description = "Remove holes and islands smaller than this many pixels (default ${DEFAULT-VALUE}: off)")
  int minMaskRegionArea;

  @Option(names = "--output-mode", defaultValue = "uncompressed_rle", paramLabel = "MODE",
      description = "binary_mask (PNG files beside the JSON), uncompressed_rle or coco_rle (default ${DEFAULT-VALUE})")
  String outputMode;

  @Option(names = "--nms", defaultValue = "standard", paramLabel = "KIND",
      description = "standard (greedy, as the reference) or fast (YOLACT's Fast NMS) (default ${DEFAULT-VALUE})")
  String nms;

  @Option(names = "--multimask-output", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Three masks per grid point; --no-multimask-output: one (default ${DEFAULT-VALUE})")
  boolean multimaskOutput;

  @Option(names = "--use-m2m", description = "Decode every mask again with its own logits as mask input (SAM 2)")
  boolean useM2m;

  /** Whether --pred-iou-thresh was given (else the model family's default applies). */
  public boolean predIouThreshGiven() {
    return predIouThresh != null;
  }

  /** The configuration these options describe over SAM's defaults (bad values fail here). */
  public AmgConfig config() {
    return configure(AmgConfig.builder()).build();
  }

  /** The configuration over a model family's defaults ({@link AutomaticMaskGenerator#defaults}). */
  public AmgConfig config(SamModel model) {
    return configure(AutomaticMaskGenerator.defaults(model)).build();
  }

  private AmgConfig.Builder configure(AmgConfig.Builder b) {
    if (predIouThresh != null) {
      b.predIouThresh(predIouThresh);
    }
    return b.pointsPerSide(pointsPerSide)
        .pointsPerBatch(pointsPerBatch)
        .stabilityScoreThresh(stabilityScoreThresh)
        .stabilityScoreOffset(stabilityScoreOffset)
        .boxNmsThresh(boxNmsThresh)
        .cropNLayers(cropNLayers)
        .cropNmsThresh(cropNmsThresh)
        .cropOverlapRatio(cropOverlapRatio)
        .cropNPointsDownscaleFactor(cropNPointsDownscaleFactor)
        .minMaskRegionArea(minMaskRegionArea)
        .outputMode(Cli.choice("--output-mode", outputMode, AmgConfig.OutputMode.class))
        .nmsMode(Cli.choice("--nms", nms, AmgConfig.NmsMode.class))
        .multimaskOutput(multimaskOutput)
        .useM2m(useM2m);
  }
}
