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

  /** An image encoder's spec. */
  public sealed interface EncoderSpec permits VitSpec, TinyVitSpec {
    /** The architecture's short name. */
    String name();

    /** Input side in pixels. */
    int imgSize();
  }

  /** {@code ImageEncoderViT}'s arguments. */
  public record VitSpec(String name, int imgSize, int patchSize, int embedDim, int depth,
      int numHeads, int windowSize, List<Integer> globalAttnIndexes, int outChans)
      implements EncoderSpec {
    public VitSpec {
      globalAttnIndexes = List.copyOf(globalAttnIndexes);
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
