package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UsageHelpTest {
  /** Every command, subcommands included. */
  private static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> all = new ArrayList<>();
    all.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      all.addAll(commands(sub));
    }
    return all;
  }

  @Test
  void descriptionsFitTheHelpWidthSoPicocliNeverRewrapsThem() {
    List<CommandLine> all = commands(new CommandLine(new Main()));
    assertTrue(all.size() > 10, "found only " + all.size() + " commands");
    for (CommandLine cl : all) {
      for (String line : cl.getCommandSpec().usageMessage().description()) {
        assertTrue(line.length() <= Main.USAGE_WIDTH, cl.getCommandName() + ": a description line "
            + "of " + line.length() + " characters wraps: " + line);
      }
    }
  }

  @Test
  void helpIsPrintedAtTheHelpWidth() {
    CliRunner r = CliRunner.run("bench", "--help");
    assertEquals(0, r.exitCode);
    int longest = r.out.lines().mapToInt(String::length).max().orElse(0);
    assertTrue(longest > 80 && longest <= Main.USAGE_WIDTH, "longest help line " + longest);
  }
}
