package io.sam4j.spark;

import io.sam4j.SamException;
import java.util.Locale;

/** What a job computes for each image. */
public enum Mode {
  /** Automatic mask generation ("segment everything"), as {@code sam4j everything}. */
  EVERYTHING,
  /** The prompt cases of each row (points, boxes), as {@code sam4j predict}'s cases. */
  PROMPTS,
  /** The image embedding only (float32 bytes), for decoding prompts later. */
  EMBED,
  /** SAM 3 concept prompts (phrases, example boxes): every instance, as {@code sam4j segment --text}. */
  CONCEPT;

  /** The mode named by a lower- or upper-case word, or a clear error. */
  public static Mode of(String word) {
    for (Mode m : values()) {
      if (m.name().equalsIgnoreCase(word)) {
        return m;
      }
    }
    throw new SamException(SamException.Kind.BAD_INPUT,
        "mode '" + word + "' is not one of: everything, prompts, embed, concept");
  }

  /** The lower-case word of this mode. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
