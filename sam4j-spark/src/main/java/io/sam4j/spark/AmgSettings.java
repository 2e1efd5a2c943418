package io.sam4j.spark;

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
    AmgConfig.NmsMode nmsMode) implements Serializable {
  private static final long serialVersionUID = 1L;

  static AmgSettings of(AmgConfig c) {
    if (c.pointsPerSide() == 0) {
      throw new IllegalArgumentException("custom point grids are not supported on Spark:"
          + " give points_per_side");
    }
    return new AmgSettings(c.pointsPerSide(), c.pointsPerBatch(), c.predIouThresh(),
        c.stabilityScoreThresh(), c.stabilityScoreOffset(), c.boxNmsThresh(), c.cropNLayers(),
        c.cropNmsThresh(), c.cropOverlapRatio(), c.cropNPointsDownscaleFactor(),
        c.minMaskRegionArea(), c.outputMode(), c.nmsMode());
  }

  AmgConfig config() {
    return AmgConfig.builder()
        .pointsPerSide(pointsPerSide)
        .pointsPerBatch(pointsPerBatch)
        .predIouThresh(predIouThresh)
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
        .build();
  }
}
