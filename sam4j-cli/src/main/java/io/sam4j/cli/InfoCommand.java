package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.io.Sha256;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.edgesam.RepVitSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sam4j info}: what a checkpoint is, without building or running it. */
@Command(
    name = "info",
    header = "Describe a checkpoint: architecture, dimensions, parameters, SHA-256.",
    mixinStandardHelpOptions = true,
    description = {
        "Describe a checkpoint: detected family, architecture and dimensions, parameter counts,",
        "file format, size and SHA-256.",
        "Example:",
        "  sam4j info mobile_sam.pt"})
final class InfoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "NAME|PATH", description = "Checkpoint file or model name")
  String model;

  @Option(names = "--spec", paramLabel = "SPEC.json", description = "Model spec JSON, if the checkpoint needs one")
  Path spec;

  @Override
  public Integer call() throws Exception {
    Path file = ModelOptions.resolve(model, commandSpec.commandLine().getErr());
    StateDict sd = CheckpointReader.read(file);
    ModelSpec ms = SpecDetector.detect(sd, spec);
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = om.createObjectNode();
    o.put("file", file.toString());
    o.put("format", sd.format());
    o.put("size_bytes", Files.size(file));
    o.put("sha256", Sha256.of(file));
    o.put("architecture", ms.name());
    o.put("family", ms.encoder().family());
    o.put("image_encoder", ms.encoder() instanceof ModelSpec.VitSpec ? "ImageEncoderViT"
        : ms.encoder() instanceof RepVitSpec ? "RepViT" : "TinyViT");
    ObjectNode params = o.putObject("parameters");
    params.put("total", sd.parameterCount());
    for (String part : new String[] {"image_encoder", "prompt_encoder", "mask_decoder"}) {
      params.put(part, sd.stripPrefix(part + ".").parameterCount());
    }
    o.set("spec", om.valueToTree(ms));
    Cli.printJson(commandSpec.commandLine(), o);
    return 0;
  }
}
