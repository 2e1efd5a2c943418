package io.sam4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.registry.ProgressListener;
import io.sam4j.registry.TextProgress;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;

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

  /** Prints {@code json} indented on the command's standard output. */
  static void printJson(CommandLine cl, JsonNode json) throws JsonProcessingException {
    cl.getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }

  /** Refuses {@code --runs} (or another count option) below 1 as a usage error. */
  static void requireAtLeastOne(CommandLine cl, String option, int value) {
    if (value < 1) {
      throw new CommandLine.ParameterException(cl, option + " must be >= 1");
    }
  }

  /** Whether standard error is a terminal a progress bar can be drawn on. */
  static boolean terminal() {
    return System.console() != null;
  }

  /**
   * Progress in counts of {@code unit} as a bar redrawn on the terminal; nothing when {@code
   * shown} is false or the output is not a terminal (logs keep only the results).
   */
  static ProgressListener countProgress(PrintWriter err, String unit, boolean shown) {
    return shown && terminal() ? new TextProgress(err, true, unit) : ProgressListener.NONE;
  }
}
