package io.sam4j.modeling.sam3;

import io.sam4j.result.Mask;
import java.util.List;

/**
 * SAM 3's answer to one {@link ConceptPrompt}: the raw query outputs and the kept instances.
 *
 * @param tokens the phrase's CLIP ids ({@code context_length} of them)
 * @param predLogits [Q] the dot-product logits after the clamp, before the sigmoid, without the
 *     presence score
 * @param predBoxes [Q * 4] normalised cxcywh per query
 * @param presenceLogit the decoder's presence logit, raw
 * @param predMasks [Q * m * m] every query's low-resolution mask logits (m = 4 x the token grid)
 * @param maskSize m
 * @param instances the kept queries in query order (no NMS)
 */
public record ConceptResult(long[] tokens, float[] predLogits, float[] predBoxes,
    float presenceLogit, float[] predMasks, int maskSize, List<Instance> instances) {
  public ConceptResult {
    tokens = tokens.clone();
    predLogits = predLogits.clone();
    predBoxes = predBoxes.clone();
    predMasks = predMasks.clone();
    instances = List.copyOf(instances);
  }

  @Override
  public float[] predMasks() {
    return predMasks.clone();
  }

  /**
   * One instance.
   *
   * @param query its query index
   * @param score {@code sigmoid(logit) * sigmoid(presence)}
   * @param box pixel xyxy at the photo's size, not clipped
   * @param mask at the photo's size
   */
  public record Instance(int query, float score, float[] box, Mask mask) {
    public Instance {
      box = box.clone();
    }

    @Override
    public float[] box() {
      return box.clone();
    }
  }

  @Override
  public long[] tokens() {
    return tokens.clone();
  }

  @Override
  public float[] predLogits() {
    return predLogits.clone();
  }

  @Override
  public float[] predBoxes() {
    return predBoxes.clone();
  }
}
