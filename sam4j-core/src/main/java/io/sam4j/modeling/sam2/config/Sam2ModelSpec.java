package io.sam4j.modeling.sam2.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything that builds one SAM 2-family model: made from a built-in official spec, a user's
 * hydra YAML config, or detected from the state dict.
 *
 * @param name a short name ({@code sam2.1_hiera_t}, {@code efficienttam_ti_512x512}, {@code edgetam},
 *     or the config file's stem)
 * @param family which member of the family
 * @param imageSize the square input side S (1024; 512 for the 512-pixel EfficientTAM variants)
 * @param hiddenDim C: the neck's {@code d_model}, the prompt embedding and decoder width (256)
 * @param memDim the memory encoder's output width (64)
 * @param encoder the trunk and neck
 * @param heads the prompt encoder's and mask decoder's flags
 * @param model the resolved {@code model} node of the config, for what the video machinery reads
 */
public record Sam2ModelSpec(String name, Sam2Family family, int imageSize, int hiddenDim,
    int memDim, Sam2EncoderSpec encoder, Sam2HeadsSpec heads, JsonNode model) {

  /** Side of the image embedding grid (S/16). */
  public int embeddingSize() {
    return imageSize / 16;
  }

  /** Side of the low-resolution mask logits (S/4: 256, or 128 at 512). */
  public int lowResSize() {
    return imageSize / 4;
  }
}
