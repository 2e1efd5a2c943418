package io.sam4j.amg;

import io.sam4j.SamException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of automatic mask generation, with the reference's names, defaults and meaning
 * ({@code SamAutomaticMaskGenerator}). Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * AmgConfig c = AmgConfig.builder().pointsPerSide(16).predIouThresh(0.8).build();
 * }</pre>
 */
public final class AmgConfig {
  /** How masks are returned in records. */
  public enum OutputMode {
    /** A {@code Mask} per record. */
    BINARY_MASK,
    /** Column-major run-length counts starting with zeros, as the reference's uncompressed RLE. */
    UNCOMPRESSED_RLE,
    /** pycocotools' compressed RLE string. */
    COCO_RLE
  }

  /** How duplicate masks are suppressed. */
  public enum NmsMode {
    /** Greedy NMS, as torchvision's {@code batched_nms} (the reference). */
    STANDARD,
    /** YOLACT's Fast NMS: one matrix pass, suppressed boxes may still suppress others. */
    FAST
  }

  private final int pointsPerSide;
  private final List<double[]> pointGrids;
  private final int pointsPerBatch;
  private final double predIouThresh;
  private final double stabilityScoreThresh;
  private final double stabilityScoreOffset;
  private final double boxNmsThresh;
  private final int cropNLayers;
  private final double cropNmsThresh;
  private final double cropOverlapRatio;
  private final int cropNPointsDownscaleFactor;
  private final int minMaskRegionArea;
  private final OutputMode outputMode;
  private final NmsMode nmsMode;
  private final boolean multimaskOutput;
  private final boolean useM2m;

  private AmgConfig(Builder b) {
    pointsPerSide = b.pointsPerSide;
    pointGrids = b.pointGrids == null ? null : copyGrids(b.pointGrids);
    pointsPerBatch = b.pointsPerBatch;
    predIouThresh = b.predIouThresh;
    stabilityScoreThresh = b.stabilityScoreThresh;
    stabilityScoreOffset = b.stabilityScoreOffset;
    boxNmsThresh = b.boxNmsThresh;
    cropNLayers = b.cropNLayers;
    cropNmsThresh = b.cropNmsThresh;
    cropOverlapRatio = b.cropOverlapRatio;
    cropNPointsDownscaleFactor = b.cropNPointsDownscaleFactor;
    minMaskRegionArea = b.minMaskRegionArea;
    outputMode = b.outputMode;
    nmsMode = b.nmsMode;
    multimaskOutput = b.multimaskOutput;
    useM2m = b.useM2m;
  }

  private static List<double[]> copyGrids(List<double[]> grids) {
    List<double[]> out = new ArrayList<>();
    for (double[] g : grids) {
      out.add(g.clone());
    }
    return List.copyOf(out);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The reference defaults. */
  public static AmgConfig defaults() {
    return builder().build();
  }

  /** Points along one side of the grid (32), or 0 when custom grids are given. */
  public int pointsPerSide() {
    return pointsPerSide;
  }

  /**
   * The point grid of each crop layer, XY pairs in [0, 1] (interleaved x0, y0, x1, y1, ...):
   * the custom ones, or the regular grids {@code points_per_side} implies.
   */
  public List<double[]> pointGrids() {
    if (pointGrids != null) {
      return copyGrids(pointGrids);
    }
    return PointGrids.allLayers(pointsPerSide, cropNLayers, cropNPointsDownscaleFactor);
  }

  public int pointsPerBatch() {
    return pointsPerBatch;
  }

  public double predIouThresh() {
    return predIouThresh;
  }

  public double stabilityScoreThresh() {
    return stabilityScoreThresh;
  }

  public double stabilityScoreOffset() {
    return stabilityScoreOffset;
  }

  public double boxNmsThresh() {
    return boxNmsThresh;
  }

  public int cropNLayers() {
    return cropNLayers;
  }

  public double cropNmsThresh() {
    return cropNmsThresh;
  }

  public double cropOverlapRatio() {
    return cropOverlapRatio;
  }

  public int cropNPointsDownscaleFactor() {
    return cropNPointsDownscaleFactor;
  }

  public int minMaskRegionArea() {
    return minMaskRegionArea;
  }

  public OutputMode outputMode() {
    return outputMode;
  }

  public NmsMode nmsMode() {
    return nmsMode;
  }

  /**
   * Whether each grid point gives three masks (true, the default) or one
   * ({@code SAM2AutomaticMaskGenerator}'s {@code multimask_output}; SAM 2 answers one-mask
   * requests with its dynamic multimask choice).
   */
  public boolean multimaskOutput() {
    return multimaskOutput;
  }

  /**
   * Whether every mask is decoded once more with its own low-res logits as mask input before the
   * filters ({@code SAM2AutomaticMaskGenerator}'s {@code use_m2m}; default false).
   */
  public boolean useM2m() {
    return useM2m;
  }

  /** Builds configs; every setter checks its argument. */
  public static final class Builder {
    private int pointsPerSide = 32;
    private List<double[]> pointGrids;
    private int pointsPerBatch = 64;
    private double predIouThresh = 0.88;
    private double stabilityScoreThresh = 0.95;
    private double stabilityScoreOffset = 1.0;
    private double boxNmsThresh = 0.7;
    private int cropNLayers = 0;
    private double cropNmsThresh = 0.7;
    private double cropOverlapRatio = 512.0 / 1500;
    private int cropNPointsDownscaleFactor = 1;
    private int minMaskRegionArea = 0;
    private OutputMode outputMode = OutputMode.BINARY_MASK;
    private NmsMode nmsMode = NmsMode.STANDARD;
    private boolean multimaskOutput = true;
    private boolean useM2m;

    public Builder pointsPerSide(int n) {
      pointsPerSide = positive("points_per_side", n);
      pointGrids = null;
      return this;
    }

    /** Custom grids, one per crop layer, XY pairs in [0, 1]; replaces points_per_side. */
    public Builder pointGrids(List<double[]> grids) {
      for (double[] g : grids) {
        if (g.length % 2 != 0) {
          throw bad("a point grid must hold XY pairs");
        }
        for (double v : g) {
          if (!(v >= 0 && v <= 1)) {
            throw bad("point grid coordinates must be in [0, 1], got " + v);
          }
        }
      }
      pointGrids = copyGrids(grids);
      pointsPerSide = 0;
      return this;
    }

    public Builder pointsPerBatch(int n) {
      pointsPerBatch = positive("points_per_batch", n);
      return this;
    }

    public Builder predIouThresh(double v) {
      predIouThresh = finite("pred_iou_thresh", v);
      return this;
    }

    public Builder stabilityScoreThresh(double v) {
      stabilityScoreThresh = finite("stability_score_thresh", v);
      return this;
    }

    public Builder stabilityScoreOffset(double v) {
      stabilityScoreOffset = finite("stability_score_offset", v);
      return this;
    }

    public Builder boxNmsThresh(double v) {
      boxNmsThresh = finite("box_nms_thresh", v);
      return this;
    }

    public Builder cropNLayers(int n) {
      if (n < 0 || n > 6) {
        throw bad("crop_n_layers must be in 0..6, got " + n);
      }
      cropNLayers = n;
      return this;
    }

    public Builder cropNmsThresh(double v) {
      cropNmsThresh = finite("crop_nms_thresh", v);
      return this;
    }

    public Builder cropOverlapRatio(double v) {
      if (!(v >= 0 && v < 1)) {
        throw bad("crop_overlap_ratio must be in [0, 1), got " + v);
      }
      cropOverlapRatio = v;
      return this;
    }

    public Builder cropNPointsDownscaleFactor(int n) {
      cropNPointsDownscaleFactor = positive("crop_n_points_downscale_factor", n);
      return this;
    }

    public Builder minMaskRegionArea(int n) {
      if (n < 0) {
        throw bad("min_mask_region_area must be >= 0, got " + n);
      }
      minMaskRegionArea = n;
      return this;
    }

    public Builder outputMode(OutputMode m) {
      outputMode = m;
      return this;
    }

    public Builder nmsMode(NmsMode m) {
      nmsMode = m;
      return this;
    }

    /** See {@link AmgConfig#multimaskOutput()}. */
    public Builder multimaskOutput(boolean m) {
      multimaskOutput = m;
      return this;
    }

    /** See {@link AmgConfig#useM2m()}. */
    public Builder useM2m(boolean m) {
      useM2m = m;
      return this;
    }

    public AmgConfig build() {
      if (pointGrids != null && pointGrids.size() != cropNLayers + 1) {
        throw bad("point_grids has " + pointGrids.size() + " grids but crop_n_layers "
            + cropNLayers + " needs " + (cropNLayers + 1));
      }
      return new AmgConfig(this);
    }

    private static int positive(String name, int n) {
      if (n <= 0) {
        throw bad(name + " must be positive, got " + n);
      }
      return n;
    }

    private static double finite(String name, double v) {
      if (!Double.isFinite(v)) {
        throw bad(name + " must be a finite number, got " + v);
      }
      return v;
    }

    private static SamException bad(String what) {
      return new SamException(SamException.Kind.BAD_INPUT, what);
    }
  }
}
