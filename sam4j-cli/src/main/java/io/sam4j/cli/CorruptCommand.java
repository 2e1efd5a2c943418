package io.sam4j.cli;

import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.eval.corrupt.Corruptions;
import io.sam4j.eval.corrupt.Frost;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j corrupt}: one ImageNet-C corruption of one image. */
@Command(
    name = "corrupt",
    header = "Apply an ImageNet-C corruption (noise, blur, weather, digital) to an image.",
    mixinStandardHelpOptions = true,
    description = {
        "Apply one of the ImageNet-C corruptions of hendrycks/robustness at severity 1..5, generalised",
        "from 224x224 to any image size, and write the result as PNG. Names: gaussian_noise,",
        "shot_noise, impulse_noise, defocus_blur, glass_blur, motion_blur, zoom_blur, snow, fog,",
        "brightness, contrast, elastic_transform, pixelate, jpeg_compression, and frost with",
        "--frost-dir (the reference's frost photographs, not shipped). Random ones take --seed.",
        "Example:",
        "  sam4j corrupt --image dog.jpg --corruption zoom_blur --severity 3 --out dog_zoom3.png"})
final class CorruptCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Option(names = "--image", required = true, paramLabel = "IMG", description = "Input image")
  Path image;

  @Option(names = "--corruption", required = true, paramLabel = "NAME",
      description = "Corruption name, e.g. zoom_blur")
  String corruption;

  @Option(names = "--severity", required = true, paramLabel = "1..5", description = "Severity")
  int severity;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
      description = "Seed of the random corruptions (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--frost-dir", paramLabel = "DIR", description = "Folder of the frost"
      + " photographs of hendrycks/robustness (imagenet_c/frost), needed by frost")
  Path frostDir;

  @Option(names = "--out", required = true, paramLabel = "PNG", description = "Output PNG")
  Path out;

  @Override
  public Integer call() {
    Corruption c = Corruptions.parse(corruption);
    RgbImage in = Images.read(image);
    Frost frost = frostDir == null ? null : Frost.load(frostDir);
    Images.writePng(Corruptions.apply(in, c, severity, seed, frost), out);
    commandSpec.commandLine().getOut().println("Wrote " + out);
    return 0;
  }
}
