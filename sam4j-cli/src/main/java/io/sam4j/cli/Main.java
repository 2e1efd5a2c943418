package io.sam4j.cli;

import io.sam4j.SamException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sam4j} command: one subcommand per class. */
@Command(
    name = "sam4j",
    mixinStandardHelpOptions = true,
    version = "sam4j 0.1.0",
    description = "Segment Anything on the JVM: run SAM-family checkpoints without Python.",
    subcommands = {SegmentCommand.class, EverythingCommand.class, EmbedCommand.class,
        InfoCommand.class, ExportOnnxCommand.class, ModelsCommand.class, PredictCommand.class,
        BenchCommand.class, BenchSyntheticCommand.class, TokenizeCommand.class,
        ConceptCasesCommand.class,
        ServeCommand.class, EvalCommand.class, EvalVideoCommand.class, CorruptCommand.class,
        RobustnessCommand.class, VideoStepsCommand.class,
        TrackCommand.class, QuantizeCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  /** Exit code for bad input (unreadable files, invalid prompts, unsupported models). */
  static final int EXIT_BAD_INPUT = 1;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Columns of the usage help. */
  static final int USAGE_WIDTH = 100;

  /** Runs the CLI on the process's streams and returns its exit code. */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true),
        args);
  }

  /** Runs the CLI with the given output streams and returns its exit code (used by tests). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    // the descriptions are written for 100 columns (picocli wraps at 80 by default)
    cl.setUsageHelpWidth(USAGE_WIDTH);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof SamException) {
        cmd.getErr().println("sam4j: error: " + e.getMessage());
        return EXIT_BAD_INPUT;
      }
      throw e;
    });
    return cl.execute(args);
  }
}
