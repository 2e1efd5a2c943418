package io.sam4j.modeling.sam3;

import java.util.List;

/**
 * Every architecture value of a SAM 3 image model ({@code Sam3Image}), named after the arguments
 * of the reference's {@code model_builder.py}; {@link #OFFICIAL} is {@code sam3.pt}'s. Reduced or
 * fine-tuned variants come from a spec file ({@link Sam3SpecReader}); {@link Sam3Detector} checks
 * either against the checkpoint's tensors.
 *
 * @param name a short name ({@code sam3}, or the spec file's {@code checkpoint} stem)
 * @param imageSize side of the square network input (1008)
 */
public record Sam3Spec(String name, int imageSize, Vit vit, Neck neck, Text text, Encoder encoder,
    Decoder decoder, Geometry geometry, Scoring scoring, SegHead segmentationHead,
    Processor processor) {

  /**
   * The ViTDet trunk ({@code vitdet.ViT}).
   *
   * @param pretrainImgSize side the absolute position grid was learned at (tiled, not resized)
   * @param mlpRatio MLP width over {@code embedDim} (4.625: 4736 hidden at 1024)
   * @param globalAttBlocks blocks that attend globally; the others attend in windows
   * @param ropePtSize RoPE's pretraining size, 0 when none (then the window size)
   */
  public record Vit(int imgSize, int pretrainImgSize, int patchSize, int embedDim, int depth,
      int numHeads, double mlpRatio, List<Integer> globalAttBlocks, int windowSize,
      double ropeTheta, boolean useInterpRope, int ropePtSize, float layerNormEps) {
    public Vit {
      globalAttBlocks = List.copyOf(globalAttBlocks);
    }

    /** Tokens per side ({@code img_size / patch_size}). */
    public int gridSize() {
      return imgSize / patchSize;
    }

    /** Channels per head. */
    public int headDim() {
      return embedDim / numHeads;
    }

    /** The MLP's hidden width, {@code int(embed_dim * mlp_ratio)}. */
    public int mlpHidden() {
      return (int) (embedDim * mlpRatio);
    }

    /** True when block {@code i} attends within windows. */
    public boolean windowed(int i) {
      return !globalAttBlocks.contains(i);
    }

    /** The block whose output is the trunk's (the last global one). */
    public int lastGlobalBlock() {
      return globalAttBlocks.get(globalAttBlocks.size() - 1);
    }

    /** Side of the absolute position grid ({@code pretrain_img_size / patch_size}). */
    public int posGridSize() {
      return pretrainImgSize / patchSize;
    }
  }

  /**
   * The detector neck ({@code Sam3DualViTDetNeck}) and its sine position encoding.
   *
   * @param scaleFactors one FPN level per factor (4, 2, 1, 0.5)
   * @param scalp levels dropped from the end by the VL backbone (1: the 0.5 level)
   */
  public record Neck(int dModel, List<Double> scaleFactors, int scalp, int numPosFeats,
      double temperature) {
    public Neck {
      scaleFactors = List.copyOf(scaleFactors);
    }

    /** The levels the detector uses. */
    public int levels() {
      return scaleFactors.size() - scalp;
    }
  }

  /** The causal text encoder ({@code VETextEncoder}): a CLIP text transformer and a resizer. */
  public record Text(int dModel, int width, int heads, int layers, int contextLength,
      int vocabSize, double mlpRatio, int outputDim) {
    /** The MLP's hidden width. */
    public int mlpHidden() {
      return (int) (width * mlpRatio);
    }
  }

  /** The fusion encoder ({@code TransformerEncoderFusion}). */
  public record Encoder(int numLayers, int dModel, int numHeads, int dimFeedforward) {}

  /** The DETR decoder with box relative-position bias and a presence token. */
  public record Decoder(int numLayers, int numQueries, int dModel, int nHeads, int dimFeedforward,
      boolean presenceToken) {}

  /** The geometry / exemplar encoder ({@code SequenceGeometryEncoder}). */
  public record Geometry(int dModel, int numLayers, int numHeads, int dimFeedforward,
      int roiSize) {}

  /** {@code DotProductScoring}. */
  public record Scoring(int dProj, int promptMlpHidden, int promptMlpLayers, double clampMaxVal) {}

  /** The segmentation head ({@code UniversalSegmentationHead}). */
  public record SegHead(int hiddenDim, int upsamplingStages, int crossAttendPromptHeads) {}

  /** {@code Sam3Processor}'s thresholds. */
  public record Processor(double confidenceThreshold, double maskThreshold) {}

  /** The official {@code sam3.pt} ({@code model_builder.build_sam3_image_model}). */
  public static final Sam3Spec OFFICIAL = new Sam3Spec("sam3", 1008,
      new Vit(1008, 336, 14, 1024, 32, 16, 4.625, List.of(7, 15, 23, 31), 24, 10000.0, true, 0,
          1e-5f),
      new Neck(256, List.of(4.0, 2.0, 1.0, 0.5), 1, 256, 10000.0),
      new Text(256, 1024, 16, 24, 32, 49408, 4.0, 512),
      new Encoder(6, 256, 8, 2048),
      new Decoder(6, 200, 256, 8, 2048, true),
      new Geometry(256, 3, 8, 2048, 7),
      new Scoring(256, 2048, 2, 12.0),
      new SegHead(256, 3, 8),
      new Processor(0.5, 0.5));
}
