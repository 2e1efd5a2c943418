package io.sam4j.modeling.edgesam;

import io.sam4j.modeling.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * EdgeSAM's {@code RepViT} image encoder ({@code edge_sam/modeling/rep_vit.py}), as its checkpoint's
 * keys and shapes describe it: a stem of two stride-2 {@code Conv2d_BN}, then {@code features.1..N}
 * RepViT blocks, then (with {@code fuse}) {@code fuse_stage2(stage2) + up2(fuse_stage3(stage3))} and
 * SAM's neck. Output stride 16.
 *
 * @param name a short name ({@code edge_sam} for the official layout)
 * @param imgSize input side in pixels (1024)
 * @param stemChannels width of the stem's output ({@code features.0.2})
 * @param blocks {@code features.1 .. features.N}, in order
 * @param fuse whether stages 2 and 3 are fused before the neck ({@code RepViT(fuse=True)}, as every
 *     EdgeSAM model); otherwise the neck reads the last block
 * @param upsampleMode {@code bicubic} (the reference in PyTorch) or {@code bilinear} (what the
 *     official ONNX and CoreML exports compute)
 * @param fuseChans width of {@code fuse_stage2}/{@code fuse_stage3} (256 officially), 0 without fuse
 * @param outChans the neck's width, the prompt embedding dimension (256 officially)
 */
public record RepVitSpec(String name, int imgSize, int stemChannels, List<Block> blocks,
    boolean fuse, String upsampleMode, int fuseChans, int outChans)
    implements ModelSpec.EncoderSpec {

  /**
   * One {@code RepViTBlock}.
   *
   * @param channels output channels
   * @param kernel the depthwise kernel side (3)
   * @param stride 2 for a downsampling block (depthwise conv, SE, 1x1 conv to the new width), 1 for
   *     a {@code RepVGGDW} block
   * @param se whether the token mixer has a squeeze-excite module ({@code token_mixer.1})
   */
  public record Block(int channels, int kernel, int stride, boolean se) {}

  public RepVitSpec {
    blocks = List.copyOf(blocks);
    if (!upsampleMode.equals("bicubic") && !upsampleMode.equals("bilinear")) {
      throw new IllegalArgumentException("upsample_mode must be bicubic or bilinear, not "
          + upsampleMode);
    }
  }

  /**
   * The blocks (0-based into {@link #blocks}; block i is {@code features.(i+1)}) that end a stage,
   * as the reference finds them: the block before each change of width, and the last block.
   */
  public List<Integer> stageEnds() {
    List<Integer> ends = new ArrayList<>();
    int prev = stemChannels;
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).channels() != prev) {
        ends.add(i - 1);
        prev = blocks.get(i).channels();
      }
    }
    ends.add(blocks.size() - 1);
    return ends;
  }

  /** The side of the feature map after block {@code block} (0-based; stride 2 halves it). */
  public int sideAfter(int block) {
    int side = (imgSize + 1) / 2;
    side = (side + 1) / 2;
    for (int i = 0; i <= block; i++) {
      if (blocks.get(i).stride() == 2) {
        side = (side + 1) / 2;
      }
    }
    return side;
  }

  @Override
  public String family() {
    return "EdgeSAM (RepViT)";
  }

  @Override
  public ModelSpec.MaskScore amgScore() {
    return ModelSpec.MaskScore.LOW_RES_STABILITY;
  }

  /** The official EdgeSAM encoder ({@code rep_vit_m1}, fused, bicubic, 256 wide). */
  public static RepVitSpec edgeSam() {
    // (c, SE, s) of m1_cfgs; k = 3 and t = 2 in every row
    int[][] rows = {{48, 1, 1}, {48, 0, 1}, {48, 0, 1}, {96, 0, 2}, {96, 1, 1}, {96, 0, 1},
        {96, 0, 1}, {192, 0, 2}, {192, 1, 1}, {192, 0, 1}, {192, 1, 1}, {192, 0, 1}, {192, 1, 1},
        {192, 0, 1}, {192, 1, 1}, {192, 0, 1}, {192, 1, 1}, {192, 0, 1}, {192, 1, 1}, {192, 0, 1},
        {192, 1, 1}, {192, 0, 1}, {192, 0, 1}, {384, 0, 2}, {384, 1, 1}, {384, 0, 1}};
    List<Block> blocks = new ArrayList<>();
    for (int[] r : rows) {
      blocks.add(new Block(r[0], 3, r[2], r[1] == 1));
    }
    return new RepVitSpec("edge_sam", 1024, 48, blocks, true, "bicubic", 256, 256);
  }
}
