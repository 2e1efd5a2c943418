package io.sam4j.modeling.efficienttam;

import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.memory.CrossAttention;

/**
 * EfficientTAM's second pooled memory cross-attention ({@code EfficientRoPEAttention2},
 * {@code modeling/sam/transformer.py:430}; the {@code *_2} configs): as
 * {@link EfficientRoPEAttention1} (same weights, RoPE, 2x2 pooling of memory keys and values when
 * there are two or more memory frames), except that {@code 2 ln 2} is added to every component of
 * the pooled key vectors before plain softmax attention, instead of to their logits.
 */
public final class EfficientRoPEAttention2 implements CrossAttention {
  private final EfficientRoPEAttention1 pooled;

  /**
   * @param prefix the module's state-dict prefix
   * @param grid side of the square query grid, even
   */
  public EfficientRoPEAttention2(Layers nn, String prefix, int numHeads, double ropeTheta,
      int grid) {
    this.pooled = new EfficientRoPEAttention1(nn, prefix, numHeads, ropeTheta, grid, true, true);
  }

  @Override
  public Value crossAttention(Value q, Value kMem, Value vMem, Value kExtra, Value vExtra) {
    return pooled.crossAttention(q, kMem, vMem, kExtra, vExtra);
  }
}
