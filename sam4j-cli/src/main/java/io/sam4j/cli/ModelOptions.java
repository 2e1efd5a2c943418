package io.sam4j.cli;

import io.sam4j.SamModel;
import io.sam4j.registry.ModelStore;
import io.sam4j.registry.ProgressListener;
import io.sam4j.registry.TextProgress;
import io.sam4j.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that choose a model, shared by every command that runs one. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "NAME|PATH",
      description = "A checkpoint file (.pth/.pt zip or .safetensors; never touches the network),"
          + " or a model name ('sam4j models list': sam_vit_b, mobile_sam, edge_sam,"
          + " sam2.1_hiera_tiny, ...) downloaded to the cache on first use")
  String model;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "Model spec JSON for what the checkpoint does not say (e.g. head counts)")
  Path spec;

  @Option(names = "--config", paramLabel = "CONFIG.yaml",
      description = "The hydra YAML config of a SAM 2-family checkpoint (SAM 2 / 2.1, EfficientTAM,"
          + " EdgeTAM) in the official format; not needed for the official checkpoints")
  Path config;

  @Mixin ThreadsOption threads;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
      description = "Image encoder arithmetic: fp32 (as the reference) or int8 (faster, approximate)")
  String precision;

  RuntimeOptions options() {
    return new RuntimeOptions(threads.threads, true,
        Cli.choice("--precision", precision, RuntimeOptions.Precision.class));
  }

  /** The checkpoint file: the path given, or the cached (downloaded if needed) named model. */
  Path checkpoint(PrintWriter err) {
    return resolve(model, err);
  }

  /** Resolves a model argument, showing download progress on {@code err}. */
  static Path resolve(String model, PrintWriter err) {
    ProgressListener progress = new TextProgress(err, Cli.terminal());
    return ModelStore.standard(progress).resolve(model);
  }

  SamModel load(PrintWriter err) {
    return SamModel.load(checkpoint(err), specOrConfig(), options());
  }

  /** The file given by --spec or --config (not both). */
  Path specOrConfig() {
    if (spec != null && config != null) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.BAD_INPUT, "give --spec (a SAM"
          + " 1-family JSON spec) or --config (a SAM 2-family YAML config), not both");
    }
    return spec != null ? spec : config;
  }
}
