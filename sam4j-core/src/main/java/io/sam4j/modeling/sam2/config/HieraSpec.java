package io.sam4j.modeling.sam2.config;

import java.util.ArrayList;
import java.util.List;

/**
 * SAM 2's trunk, {@code sam2.modeling.backbones.hieradet.Hiera}, with the config's values (class
 * defaults where the config omits them) and the block layout they imply.
 *
 * @param embedDim width of the first stage (96 in hiera_t)
 * @param numHeads heads of the first stage
 * @param qPool number of stage changes that pool the queries (3)
 * @param qStride the pooling stride, [2, 2]
 * @param stages blocks per stage
 * @param dimMul width factor at a stage change
 * @param headMul head factor at a stage change
 * @param windowPosEmbedBkgSpatialSize side of the background position embedding (7x7 or 14x14)
 * @param windowSpec window side per stage (the first also sizes the tiled window embedding)
 * @param globalAttBlocks blocks with global attention
 */
public record HieraSpec(int embedDim, int numHeads, int qPool, List<Integer> qStride,
    List<Integer> stages, double dimMul, double headMul, List<Integer> windowPosEmbedBkgSpatialSize,
    List<Integer> windowSpec, List<Integer> globalAttBlocks) implements Sam2TrunkSpec {

  public HieraSpec {
    qStride = List.copyOf(qStride);
    stages = List.copyOf(stages);
    windowPosEmbedBkgSpatialSize = List.copyOf(windowPosEmbedBkgSpatialSize);
    windowSpec = List.copyOf(windowSpec);
    globalAttBlocks = List.copyOf(globalAttBlocks);
    if (stages.size() != windowSpec.size()) {
      throw new IllegalArgumentException("Hiera: " + stages.size() + " stages but "
          + windowSpec.size() + " window sizes (window_spec)");
    }
    if (qPool < 0 || qPool > stages.size() - 1) {
      throw new IllegalArgumentException("Hiera: q_pool " + qPool + " must be in 0.."
          + (stages.size() - 1));
    }
  }

  /**
   * One {@code MultiScaleBlock}.
   *
   * @param dim input width
   * @param dimOut output width
   * @param numHeads heads
   * @param windowSize window side, 0 for global attention
   * @param qStride whether the block pools its queries (and shortcut) 2x2
   * @param stage the stage the block belongs to (0-based)
   */
  public record Block(int dim, int dimOut, int numHeads, int windowSize, boolean qStride,
      int stage) {}

  @Override
  public String name() {
    return "hiera";
  }

  /** Total number of blocks. */
  public int depth() {
    return stages.stream().mapToInt(Integer::intValue).sum();
  }

  /** Index of each stage's last block ({@code stage_ends}). */
  public List<Integer> stageEnds() {
    List<Integer> ends = new ArrayList<>();
    int sum = 0;
    for (int s : stages) {
      sum += s;
      ends.add(sum - 1);
    }
    return ends;
  }

  /**
   * Every block, as {@code Hiera.__init__} lays them out (window sizes lag a block at stage
   * changes).
   */
  public List<Block> blocks() {
    List<Integer> ends = stageEnds();
    List<Integer> qPoolBlocks = new ArrayList<>();
    for (int i = 0; i < qPool; i++) {
      qPoolBlocks.add(ends.get(i) + 1);
    }
    List<Block> out = new ArrayList<>();
    int dim = embedDim;
    int heads = numHeads;
    int stage = 1;
    for (int i = 0; i < depth(); i++) {
      int dimOut = dim;
      int window = globalAttBlocks.contains(i) ? 0 : windowSpec.get(stage - 1);
      if (ends.contains(i - 1)) {
        dimOut = (int) (dim * dimMul);
        heads = (int) (heads * headMul);
        stage++;
      }
      out.add(new Block(dim, dimOut, heads, window, qPoolBlocks.contains(i), stage - 1));
      dim = dimOut;
    }
    return out;
  }

  /** Output widths of the stages, coarsest first (the reference's {@code channel_list}). */
  @Override
  public List<Integer> channelList() {
    List<Block> blocks = blocks();
    List<Integer> out = new ArrayList<>();
    List<Integer> ends = stageEnds();
    for (int i = ends.size() - 1; i >= 0; i--) {
      out.add(blocks.get(ends.get(i)).dimOut());
    }
    return out;
  }
}
