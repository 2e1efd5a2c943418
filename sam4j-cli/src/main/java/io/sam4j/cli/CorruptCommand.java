package io.sam4j.cli;

import io.sam4j.SamException;
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

/** {@code sam4j corrupt}: one ImageNet-C corruption, or an occlusion of a box, of one image. */
@Command(
    name = "corrupt",
    header = "Apply an ImageNet-C corruption (noise, blur, weather, digital) or occlusion.",
    mixinStandardHelpOptions = true,
    description = {
        "Apply one of the ImageNet-C corruptions of hendrycks/robustness at severity 1..5, generalised",
        "from 224x224 to any image size, and write the result as PNG. Names: gaussian_noise,",
        "shot_noise, impulse_noise, defocus_blur, glass_blur, motion_blur, zoom_blur, snow, fog,",
        "brightness, contrast, elastic_transform, pixelate, jpeg_compression, and frost with",
        "--frost-dir (the reference's frost photographs, not shipped). Random ones take --seed.",
        "occlusion (sam4j's own) paints a patch of random colour over 10% x severity of the",
        "object's box given by --box, at a random place inside it.",
        "Examples:",
        "  sam4j corrupt --image dog.jpg --corruption zoom_blur --severity 3 --out dog_zoom3.png",
        "  sam4j corrupt --image dog.jpg --corruption occlusion --box 120,40,380,300 --severity 3 \\",
        "      --seed 7 --out dog_occluded.png"})
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

  @Option(names = "--box", paramLabel = "X0,Y0,X1,Y1", description = "The object's box in image"
      + " pixels, needed by occlusion (and only meaningful for it)")
  String box;

  @Option(names = "--out", required = true, paramLabel = "PNG", description = "Output PNG")
  Path out;

  @Override
  public Integer call() {
    Corruption c = Corruptions.parse(corruption);
    if (box != null && !c.needsBox()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--box is for occlusion only; "
          + c.id() + " corrupts the whole image");
    }
    if (box == null && c.needsBox()) {
      throw new SamException(SamException.Kind.BAD_INPUT, c.id() + " covers part of an object's"
          + " box: give it with --box X0,Y0,X1,Y1 (image pixels)");
    }
    double[] b = box == null ? null : parseBox(box);
    RgbImage in = Images.read(image);
    Frost frost = frostDir == null ? null : Frost.load(frostDir);
    Images.writePng(Corruptions.apply(in, c, severity, seed, frost, b), out);
    commandSpec.commandLine().getOut().println("Wrote " + out);
    return 0;
  }

  private static double[] parseBox(String s) {
    String[] parts = s.split(",");
    double[] v = new double[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        v[i] = Double.parseDouble(parts[i].strip());
      }
    } catch (NumberFormatException e) {
      v = new double[0];
    }
    if (v.length != 4) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--box '" + s + "' must be four"
          + " numbers X0,Y0,X1,Y1");
    }
    return v;
  }
}
