package io.sam4j.cli;

import io.sam4j.SamModel;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that choose a model, shared by every command that runs one. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "CKPT",
      description = "Checkpoint file (.pth/.pt zip or .safetensors), e.g. mobile_sam.pt")
  Path model;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "Model spec JSON for what the checkpoint does not say (e.g. head counts)")
  Path spec;

  @Option(names = "--threads", defaultValue = "0",
      description = "Threads for inference, 0 = one per core (default)")
  int threads;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
      description = "Image encoder arithmetic: fp32 (as the reference) or int8 (faster, approximate)")
  String precision;

  RuntimeOptions options() {
    return new RuntimeOptions(threads, true,
        Cli.choice("--precision", precision, RuntimeOptions.Precision.class));
  }

  SamModel load() {
    return SamModel.load(model, spec, options());
  }
}
