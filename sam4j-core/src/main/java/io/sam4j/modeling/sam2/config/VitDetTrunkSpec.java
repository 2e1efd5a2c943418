package io.sam4j.modeling.sam2.config;

import java.util.List;

/**
 * EfficientTAM's trunk, {@code efficient_track_anything.modeling.backbones.vitdet.ViT}: a plain ViT
 * with windowed blocks (the graph is built by the EfficientTAM encoder). Values as in the config.
 *
 * @param imgSize input side the absolute position embedding is laid out for
 * @param patchSize patch side (16)
 * @param embedDim width
 * @param depth number of blocks
 * @param numHeads attention heads
 * @param mlpRatio MLP width / embedDim
 * @param qkvBias the qkv projection has a bias
 * @param useAbsPos an absolute position embedding is added
 * @param useRelPos decomposed relative positions are used
 * @param windowSize window side of the windowed blocks
 * @param windowBlockIndexes the windowed blocks (the others are global)
 * @param pretrainImgSize the size the position embedding was trained at
 * @param pretrainUseClsToken the position embedding has a class-token row
 */
public record VitDetTrunkSpec(int imgSize, int patchSize, int embedDim, int depth, int numHeads,
    double mlpRatio, boolean qkvBias, boolean useAbsPos, boolean useRelPos, int windowSize,
    List<Integer> windowBlockIndexes, int pretrainImgSize, boolean pretrainUseClsToken)
    implements Sam2TrunkSpec {

  public VitDetTrunkSpec {
    windowBlockIndexes = List.copyOf(windowBlockIndexes);
  }

  @Override
  public String name() {
    return "vit";
  }

  @Override
  public List<Integer> channelList() {
    return List.of(embedDim);
  }
}
