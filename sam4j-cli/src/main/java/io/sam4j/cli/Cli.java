package io.sam4j.cli;

import io.sam4j.SamException;
import java.util.Locale;

/** Small helpers shared by the commands. */
final class Cli {
  private Cli() {}

  /** The enum constant named by a user's lower- or upper-case word, or a clear error. */
  static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return e;
      }
    }
    StringBuilder valid = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      valid.append(valid.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new SamException(SamException.Kind.BAD_INPUT,
        option + " '" + value + "' is not one of: " + valid);
  }
}
