package io.sam4j.cli;

import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j embed}: run only the image encoder and save its output for later prompting. */
@Command(
    name = "embed",
    header = "Encode an image once and save its embedding for later prompts.",
    mixinStandardHelpOptions = true,
    description = {
        "Encode an image once and save the embedding: OUT.npy (float32 [1,C,64,64]) and OUT.json",
        "(the image sizes needed to reuse it). 'sam4j segment --embedding OUT.npy' then decodes",
        "prompts without running the encoder.",
        "Example:",
        "  sam4j embed --model mobile_sam.pt --image dog.jpg --out dog.emb.npy"})
final class EmbedCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file")
  Path image;

  @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "Embedding file to write")
  Path out;

  @Override
  public Integer call() {
    var img = Images.read(image);
    try (SamModel m = model.load(commandSpec.commandLine().getErr());
         SamPredictor predictor = m.newPredictor()) {
      predictor.setImage(img);
      predictor.embedding().save(out, m.name());
    }
    return 0;
  }
}
