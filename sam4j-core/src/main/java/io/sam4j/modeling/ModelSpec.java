package io.sam4j.modeling;

import java.util.List;

/**
 * The hyperparameters that build one SAM-family model, mostly read from the checkpoint's shapes
 * (see {@link SpecDetector}); what the shapes cannot tell (head counts of unusual models) comes from
 * a JSON spec file.
 *
 * @param name a short name: {@code vit_b}, {@code vit_l}, {@code vit_h}, {@code vit_t}, or a custom one
 * @param encoder the image encoder's spec
 * @param promptEmbedDim channels of the image embedding and the prompt tokens
 * @param imageSize side of the square, padded encoder input (1024)
 * @param decoder the mask decoder's spec
 */
public record ModelSpec(String name, EncoderSpec encoder, int promptEmbedDim, int imageSize,
    DecoderSpec decoder) {

  /** Side of the image embedding grid (64 for 1024 inputs). */
  public int embeddingSize() {
    return imageSize / 16;
  }

  /** Side of the low-resolution mask logits (256 for 1024 inputs). */
  public int lowResSize() {
    return embeddingSize() * 4;
  }

  /**
   * An image encoder's spec: the seam between the SAM 1 families (SAM's ViT and MobileSAM's TinyViT
   * here, EdgeSAM's RepViT in {@code io.sam4j.modeling.edgesam}). Not sealed: Java allows a sealed
   * type outside a named module to permit only classes of its own package, and each family keeps
   * its spec in its own package.
   */
  public interface EncoderSpec {
    /** The architecture's short name. */
    String name();

    /** Input side in pixels. */
    int imgSize();

    /** The family and encoder as people call them, such as {@code SAM (ViT)}. */
    default String family() {
      return "SAM (" + name() + ")";
    }

    /** The score the family's automatic mask generator reports and filters by. */
    default MaskScore amgScore() {
      return MaskScore.IOU_PREDICTION;
    }
  }

  /** What a family's automatic mask generator uses as each mask's predicted quality. */
  public enum MaskScore {
    /** The IoU head's prediction (SAM, MobileSAM). */
    IOU_PREDICTION,
    /**
     * The stability score of the 256x256 low-res logits at offset 1 (EdgeSAM, whose generator
     * leaves {@code use_stability_score} at {@code predict_torch}'s default, true).
     */
    LOW_RES_STABILITY
  }

  /** {@code ImageEncoderViT}'s arguments. */
  public record VitSpec(String name, int imgSize, int patchSize, int embedDim, int depth,
      int numHeads, int windowSize, List<Integer> globalAttnIndexes, int outChans)
      implements EncoderSpec {
    public VitSpec {
      globalAttnIndexes = List.copyOf(globalAttnIndexes);
    }

    @Override
    public String family() {
      return "SAM (ViT)";
    }
  }

  /** {@code TinyViT}'s arguments. */
  public record TinyVitSpec(String name, int imgSize, int[] embedDims, int[] depths,
      int[] numHeads, int[] windowSizes, int localConvSize) implements EncoderSpec {
    public TinyVitSpec {
      embedDims = embedDims.clone();
      depths = depths.clone();
      numHeads = numHeads.clone();
      windowSizes = windowSizes.clone();
    }

    @Override
    public String family() {
      return "MobileSAM (TinyViT)";
    }

    @Override
    public int[] embedDims() {
      return embedDims.clone();
    }

    @Override
    public int[] depths() {
      return depths.clone();
    }

    @Override
    public int[] numHeads() {
      return numHeads.clone();
    }

    @Override
    public int[] windowSizes() {
      return windowSizes.clone();
    }
  }

  /** {@code MaskDecoder} and {@code TwoWayTransformer} arguments. */
  public record DecoderSpec(int transformerDim, int depth, int numHeads, int numMultimaskOutputs,
      int iouHeadDepth) {}
}
