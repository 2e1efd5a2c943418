package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.eval.coco.CocoDataset;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The COCO set that {@code eval} and {@code robustness} score on: annotations, images, a cap. */
final class CocoSetOptions {
  @Option(names = "--coco", required = true, paramLabel = "JSON", description = "COCO instances file")
  Path coco;

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "Image folder")
  Path images;

  @Option(names = "--max-instances", defaultValue = "0", paramLabel = "N",
      description = "Evaluate at most N annotations (default: all)")
  int maxInstances;

  /** The annotations, read after the cap is checked. */
  CocoDataset read() {
    if (maxInstances < 0) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--max-instances must be >= 0");
    }
    return CocoDataset.read(coco);
  }
}
