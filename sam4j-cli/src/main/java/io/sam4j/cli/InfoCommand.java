package io.sam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.io.Sha256;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.SamException;
import io.sam4j.modeling.edgesam.RepVitSpec;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2Detector;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.registry.ModelRegistry;
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

  @Option(names = "--config", paramLabel = "CONFIG.yaml",
      description = "The hydra YAML config of a SAM 2-family checkpoint (not needed for official ones)")
  Path config;

  @Override
  public Integer call() throws Exception {
    Path file = ModelOptions.resolve(model, commandSpec.commandLine().getErr());
    StateDict sd = CheckpointReader.read(file);
    ObjectMapper om = new ObjectMapper();
    ObjectNode o = om.createObjectNode();
    o.put("file", file.toString());
    o.put("format", sd.format());
    o.put("size_bytes", Files.size(file));
    String sha = Sha256.of(file);
    o.put("sha256", sha);
    if (Sam2Detector.familyOf(sd) != null) {
      sam2(o, sd, file, sha);
      Cli.printJson(commandSpec.commandLine(), o);
      return 0;
    }
    if (io.sam4j.modeling.sam3.Sam3Detector.isSam3(sd)) {
      Sam3Info.describe(o, sd, spec);
      Cli.printJson(commandSpec.commandLine(), o);
      return 0;
    }
    if (config != null) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, file.getFileName() + " is a SAM"
          + " 1-family checkpoint (SAM, MobileSAM, EdgeSAM): it takes no YAML config");
    }
    ModelSpec ms = SpecDetector.detect(sd, spec);
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

  /**
   * A SAM 2-family checkpoint: its config comes from --config, else from the official file it is
   * (by SHA-256, then by file name), else from its tensor shapes; which rule decided is printed.
   */
  private void sam2(ObjectNode o, StateDict sd, Path file, String sha) {
    Sam2ModelSpec s;
    String rule;
    if (config != null) {
      s = Sam2Config.read(config);
      rule = "--config " + config;
    } else {
      String official = ModelRegistry.official().entries().stream()
          .filter(e -> sha.equals(e.sha256())).map(e -> Sam2Config.officialNameForFile(e.fileName()))
          .filter(n -> n != null).findFirst().orElse(null);
      if (official != null) {
        s = Sam2Config.official(official);
        rule = "SHA-256 of the official " + official;
      } else {
        s = Sam2Detector.detect(sd, file.getFileName().toString());
        rule = Sam2Config.officialNameForFile(file.getFileName().toString()) != null
            ? "file name" : "tensor shapes";
      }
    }
    Sam2Detector.check(sd, s);
    o.put("architecture", s.name());
    o.put("family", s.family().displayName());
    o.put("config_from", rule);
    o.put("image_encoder", s.encoder().name());
    o.put("image_size", s.imageSize());
    o.put("hidden_dim", s.hiddenDim());
    o.put("mem_dim", s.memDim());
    o.put("high_res_features", s.heads().useHighResFeaturesInSam());
    ObjectNode params = o.putObject("parameters");
    params.put("total", sd.parameterCount());
    for (String part : new String[] {"image_encoder", "sam_prompt_encoder", "sam_mask_decoder",
        "memory_attention", "memory_encoder"}) {
      params.put(part, sd.stripPrefix(part + ".").parameterCount());
    }
  }
}
