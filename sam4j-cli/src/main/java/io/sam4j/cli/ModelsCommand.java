package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.registry.Downloader;
import io.sam4j.registry.ModelCache;
import io.sam4j.registry.ModelEntry;
import io.sam4j.registry.ModelRegistry;
import io.sam4j.registry.ModelStore;
import io.sam4j.registry.ProgressListener;
import io.sam4j.registry.TextProgress;
import io.sam4j.registry.Verification;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sam4j models}: lists, downloads, locates and checks the official checkpoints. Each
 * action is its own small command class nested here.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
        "Download and check the official SAM and MobileSAM checkpoints.",
        "They are kept in $SAM4J_HOME/models (~/.sam4j/models when SAM4J_HOME is not set).",
        "Example:",
        "  sam4j models pull mobile_sam"},
    subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Pull.class,
        ModelsCommand.PathOf.class, ModelsCommand.Verify.class})
final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "say what to do: list, pull NAME, path NAME or verify NAME");
  }

  /** Where the cache is, where files come from, and whether to show progress. */
  static final class StoreOptions {
    @Option(names = "--home", paramLabel = "DIR",
        description = "sam4j home directory; models are kept in DIR/models "
            + "(default: $SAM4J_HOME, else ~/.sam4j)")
    Path home;

    @Option(names = "--base-url", paramLabel = "URL",
        description = "Download from this mirror instead of the official sites, as URL/<file name>. "
            + "The files must be the official ones: their sha256 is checked.")
    URI baseUrl;

    @Option(names = {"-q", "--quiet"}, description = "Do not show progress")
    boolean quiet;

    ModelStore open(PrintWriter err) {
      ModelRegistry registry = ModelRegistry.official();
      if (baseUrl != null) {
        try {
          registry = registry.withBaseUrl(baseUrl);
        } catch (IllegalArgumentException e) {
          throw new SamException(SamException.Kind.BAD_INPUT, "--base-url: " + e.getMessage());
        }
      }
      ModelCache cache = home == null ? ModelCache.fromEnvironment() : new ModelCache(home);
      ProgressListener progress = quiet ? ProgressListener.NONE
          : new TextProgress(err, Cli.terminal());
      return new ModelStore(registry, cache, Downloader.withDefaults(), progress);
    }
  }

  /** {@code sam4j models list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
          "Show the known model names, their size, and whether they are downloaded.",
          "Example:",
          "  sam4j models list"})
  static final class ListModels implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions options;

    @Override
    public Integer call() {
      ModelStore store = options.open(spec.commandLine().getErr());
      ModelCache cache = store.cache();
      PrintWriter out = spec.commandLine().getOut();
      out.println("Models in " + cache.modelsDir() + ":");
      String row = "%-24s %-9s %-22s %s%n";
      out.printf(row, "NAME", "SIZE", "STATUS", "DESCRIPTION");
      for (ModelEntry e : store.registry().entries()) {
        String size = e.hasSize() ? TextProgress.formatBytes(e.sizeBytes()) : "?";
        out.printf(row, e.name(), size, status(cache, e), e.description());
      }
      return 0;
    }

    private static String status(ModelCache cache, ModelEntry e) {
      if (cache.contains(e)) {
        return "downloaded";
      }
      if (e.gated()) {
        return "gated (see 'pull')";
      }
      long part = cache.partialBytes(e);
      if (part > 0) {
        return "partial, " + TextProgress.formatBytes(part);
      }
      return "not downloaded";
    }
  }

  /** An action done to each model named on the command line, in order, stopping at an error. */
  abstract static class EachName implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions options;

    @Parameters(arity = "1..*", paramLabel = "NAME",
        description = "Model names, as 'sam4j models list' shows them (sam_vit_b, mobile_sam,"
            + " edge_sam, sam2.1_hiera_tiny, efficienttam_ti, edgetam, ...)")
    List<String> names;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      ModelStore store = options.open(err);
      for (String name : names) {
        spec.commandLine().getOut().println(act(store, name, err));
      }
      return 0;
    }

    /** Does the action for {@code name} and returns the line to print on standard output. */
    abstract String act(ModelStore store, String name, PrintWriter err);
  }

  /** {@code sam4j models pull NAME...}. */
  @Command(
      name = "pull",
      mixinStandardHelpOptions = true,
      description = {
          "Download checkpoints into the cache, resuming an interrupted download, and check their",
          "sha256. Prints the path of each file. A model already downloaded is left as it is.",
          "Example:",
          "  sam4j models pull mobile_sam"})
  static final class Pull extends EachName {
    @Override
    String act(ModelStore store, String name, PrintWriter err) {
      if (store.cache().contains(store.registry().get(name)) && !options.quiet) {
        err.println(name + " is already downloaded");
      }
      return store.pull(name).toString();
    }
  }

  /** {@code sam4j models path NAME...}. */
  @Command(
      name = "path",
      mixinStandardHelpOptions = true,
      description = {
          "Print where downloaded checkpoints are; fails for one not downloaded yet.",
          "Example:",
          "  sam4j predict --model \"$(sam4j models path sam_vit_b)\" ..."})
  static final class PathOf extends EachName {
    @Override
    String act(ModelStore store, String name, PrintWriter err) {
      return store.path(name).toString();
    }
  }

  /** {@code sam4j models verify NAME...}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
          "Check that downloaded checkpoints are the published files: compare their size and",
          "sha256 with the registry.",
          "Example:",
          "  sam4j models verify sam_vit_h"})
  static final class Verify extends EachName {
    @Override
    String act(ModelStore store, String name, PrintWriter err) {
      Verification v = store.verify(name);
      if (v.result() == Verification.Result.MISMATCH) {
        throw new SamException(SamException.Kind.BAD_CHECKPOINT, v.message());
      }
      return v.message();
    }
  }
}
