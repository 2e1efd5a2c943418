package io.sam4j.modeling.efficienttam;

import io.sam4j.SamException;
import io.sam4j.modeling.sam2.memory.CrossAttention;

/**
 * What EfficientTAM changes in SAM 2's video machinery: only the memory cross-attention, chosen by
 * the config's {@code cross_attention._target_} (the checkpoints do not tell): the pooled
 * {@link EfficientRoPEAttention1} of the {@code *_1} configs, {@link EfficientRoPEAttention2} of
 * the {@code *_2} configs, or SAM 2's {@code RoPEAttention} of
 * the default configs. Its video predictor is SAM 2.1's (December 2024) line for line; what differs
 * otherwise comes from the config (512-pixel inputs, one feature level, no pointer temporal
 * encoding), see {@code docs/notes/video-families.md}.
 */
public final class EfficientTamVideo {
  private EfficientTamVideo() {}

  /** The memory attention layers' cross-attention of an EfficientTAM config. */
  public static final CrossAttention.Factory CROSS_ATTENTION = (nn, prefix, spec, grid) -> {
    String target = spec.target();
    String simple = target.substring(target.lastIndexOf('.') + 1);
    return switch (simple) {
      case "EfficientRoPEAttention1" -> new EfficientRoPEAttention1(nn, prefix, spec.numHeads(),
          spec.ropeTheta(), grid);
      case "EfficientRoPEAttention2" -> new EfficientRoPEAttention2(nn, prefix, spec.numHeads(),
          spec.ropeTheta(), grid);
      case "RoPEAttention" -> CrossAttention.Factory.ROPE.create(nn, prefix, spec, grid);
      default -> throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "EfficientTAM memory"
          + " cross-attention " + target + " is not supported (EfficientRoPEAttention1,"
          + " EfficientRoPEAttention2, RoPEAttention)");
    };
  };
}
