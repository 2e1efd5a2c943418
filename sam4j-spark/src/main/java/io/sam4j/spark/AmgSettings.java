package io.sam4j.spark;

import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.SamModel;
import io.sam4j.amg.AmgConfig;
import java.io.Serializable;

/**
 * An {@link AmgConfig} in a form Spark can ship to executors (AmgConfig itself is not
 * serializable). Only regular grids ({@code points_per_side}) travel; custom grids do not.
 */
record AmgSettings(int pointsPerSide, int pointsPerBatch, double predIouThresh,
    double stabilityScoreThresh, double stabilityScoreOffset, double boxNmsThresh,
    int cropNLayers, double cropNmsThresh, double cropOverlapRatio,
    int cropNPointsDownscaleFactor, int minMaskRegionArea, AmgConfig.OutputMode outputMode,
    AmgConfig.NmsMode nmsMode, boolean multimaskOutput, boolean useM2m,
    boolean familyPredIouThresh) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The settings of {@code c}; with {@code familyPredIouThresh}, {@code pred_iou_thresh} is the
   * model family's default ({@link AutomaticMaskGenerator#defaults}) instead of {@code c}'s.
   */
  static AmgSettings of(AmgConfig c, boolean familyPredIouThresh) {
    if (c.pointsPerSide() == 0) {
      throw new IllegalArgumentException("custom point grids are not supported on Spark:"
          + " give points_per_side");
    }
    return new AmgSettings(c.pointsPerSide(), c.pointsPerBatch(), c.predIouThresh(),
        c.stabilityScoreThresh(), c.stabilityScoreOffset(), c.boxNmsThresh(), c.cropNLayers(),
        c.cropNmsThresh(), c.cropOverlapRatio(), c.cropNPointsDownscaleFactor(),
        c.minMaskRegionArea(), c.outputMode(), c.nmsMode(), c.multimaskOutput(), c.useM2m(),
        familyPredIouThresh);
  }

  /** The configuration for a model (whose family may set {@code pred_iou_thresh}). */
  AmgConfig config(SamModel model) {
    AmgConfig.Builder b = familyPredIouThresh ? AutomaticMaskGenerator.defaults(model)
        : AmgConfig.builder().predIouThresh(predIouThresh);
    return b
        .pointsPerSide(pointsPerSide)
        .pointsPerBatch(pointsPerBatch)
        .stabilityScoreThresh(stabilityScoreThresh)
        .stabilityScoreOffset(stabilityScoreOffset)
        .boxNmsThresh(boxNmsThresh)
        .cropNLayers(cropNLayers)
        .cropNmsThresh(cropNmsThresh)
        .cropOverlapRatio(cropOverlapRatio)
        .cropNPointsDownscaleFactor(cropNPointsDownscaleFactor)
        .minMaskRegionArea(minMaskRegionArea)
        .outputMode(outputMode)
        .nmsMode(nmsMode)
        .multimaskOutput(multimaskOutput)
        .useM2m(useM2m)
        .build();
  }
}
