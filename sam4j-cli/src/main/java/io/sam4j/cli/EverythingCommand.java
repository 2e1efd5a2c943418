package io.sam4j.cli;

import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.SamModel;
import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.RecordsJson;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.io.AtomicFiles;
import io.sam4j.registry.ProgressListener;
import io.sam4j.render.MaskOverlay;
import io.sam4j.result.Mask;
import io.sam4j.result.MaskRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j everything}: automatic mask generation ("segment everything") for one image. */
@Command(
    name = "everything",
    header = "Find every object in an image (automatic mask generation).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Find every object: prompt the model with a grid of points, keep the good masks, remove",
        "duplicates, and write them as {\"records\": [...]} with the reference's field names.",
        "Example:",
        "  sam4j everything --model mobile_sam.pt --image dog.jpg --out dog.json --overlay dog.png"})
final class EverythingCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file")
  Path image;

  @Option(names = "--out", required = true, paramLabel = "RECORDS.json",
      description = "Where to write the records (JSON)")
  Path out;

  @Option(names = "--overlay", paramLabel = "PNG",
      description = "Also write the image with every mask in its own color")
  Path overlay;

  @Option(names = "--points-per-side", defaultValue = "32", description = "Grid points along one side (default ${DEFAULT-VALUE})")
  int pointsPerSide;

  @Option(names = "--points-per-batch", defaultValue = "64", description = "Points decoded per batch (default ${DEFAULT-VALUE})")
  int pointsPerBatch;

  @Option(names = "--pred-iou-thresh", description = "Keep masks whose predicted IoU is above this (default: 0.88; SAM 2 family 0.8)")
  Double predIouThresh;

  @Option(names = "--stability-score-thresh", defaultValue = "0.95", description = "Keep masks at least this stable (default ${DEFAULT-VALUE})")
  double stabilityScoreThresh;

  @Option(names = "--stability-score-offset", defaultValue = "1.0", description = "Logit offset of the stability score (default ${DEFAULT-VALUE})")
  double stabilityScoreOffset;

  @Option(names = "--box-nms-thresh", defaultValue = "0.7", description = "Box IoU above which duplicates are dropped (default ${DEFAULT-VALUE})")
  double boxNmsThresh;

  @Option(names = "--crop-n-layers", defaultValue = "0", description = "Layers of image crops, each with 4x the crops (default ${DEFAULT-VALUE})")
  int cropNLayers;

  @Option(names = "--crop-nms-thresh", defaultValue = "0.7", description = "Box IoU for duplicates across crops (default ${DEFAULT-VALUE})")
  double cropNmsThresh;

  @Option(names = "--crop-overlap-ratio", defaultValue = "0.3413333333333333", description = "Overlap of first-layer crops, as a fraction of the short side (default 512/1500)")
  double cropOverlapRatio;

  @Option(names = "--crop-n-points-downscale-factor", defaultValue = "1", description = "Grid points per side divided by this per crop layer (default ${DEFAULT-VALUE})")
  int cropNPointsDownscaleFactor;

  @Option(names = "--min-mask-region-area", defaultValue = "0", description = "Remove holes and islands smaller than this many pixels (default ${DEFAULT-VALUE}: off)")
  int minMaskRegionArea;

  @Option(names = "--output-mode", defaultValue = "uncompressed_rle", paramLabel = "MODE",
      description = "binary_mask (PNG files beside the JSON), uncompressed_rle or coco_rle (default ${DEFAULT-VALUE})")
  String outputMode;

  @Option(names = "--nms", defaultValue = "standard", paramLabel = "KIND",
      description = "standard (greedy, as the reference) or fast (YOLACT's Fast NMS) (default ${DEFAULT-VALUE})")
  String nms;

  @Option(names = "--multimask-output", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Three masks per grid point; --no-multimask-output: one (default ${DEFAULT-VALUE})")
  boolean multimaskOutput;

  @Option(names = "--use-m2m", description = "Decode every mask again with its own logits as mask input (SAM 2)")
  boolean useM2m;

  @Option(names = "--quiet", description = "No progress bar")
  boolean quiet;

  @Override
  public Integer call() {
    configure(AmgConfig.builder()).build(); // bad values fail before the model loads
    RgbImage img = Images.read(image);
    List<MaskRecord> records;
    long t0 = System.nanoTime();
    ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "points",
        !quiet);
    AmgConfig config;
    try (SamModel m = model.load(commandSpec.commandLine().getErr())) {
      config = configure(AutomaticMaskGenerator.defaults(m)).build();
      boolean[] begun = {false};
      records = new AutomaticMaskGenerator(m, config).generate(img, (done, total) -> {
        if (!begun[0]) {
          progress.begin("segmenting everything", 0, total);
          begun[0] = true;
        }
        progress.update(done);
      });
    } finally {
      progress.end();
    }
    return write(config, img, records, t0);
  }

  /** The options over the model family's defaults. */
  private AmgConfig.Builder configure(AmgConfig.Builder b) {
    if (predIouThresh != null) {
      b.predIouThresh(predIouThresh);
    }
    return b.pointsPerSide(pointsPerSide)
        .pointsPerBatch(pointsPerBatch)
        .stabilityScoreThresh(stabilityScoreThresh)
        .stabilityScoreOffset(stabilityScoreOffset)
        .boxNmsThresh(boxNmsThresh)
        .cropNLayers(cropNLayers)
        .cropNmsThresh(cropNmsThresh)
        .cropOverlapRatio(cropOverlapRatio)
        .cropNPointsDownscaleFactor(cropNPointsDownscaleFactor)
        .minMaskRegionArea(minMaskRegionArea)
        .outputMode(Cli.choice("--output-mode", outputMode, AmgConfig.OutputMode.class))
        .nmsMode(Cli.choice("--nms", nms, AmgConfig.NmsMode.class))
        .multimaskOutput(multimaskOutput)
        .useM2m(useM2m);
  }

  private Integer write(AmgConfig config, RgbImage img, List<MaskRecord> records, long t0) {
    double seconds = (System.nanoTime() - t0) / 1e9;
    String stem = out.getFileName().toString().replaceFirst("\\.json$", "");
    if (config.outputMode() == AmgConfig.OutputMode.BINARY_MASK) {
      for (int i = 0; i < records.size(); i++) {
        Images.writePng(records.get(i).mask(), out.resolveSibling(maskFile(stem, i)));
      }
    }
    String json = RecordsJson.toJson(records, config.outputMode(), i -> maskFile(stem, i))
        .toString();
    AtomicFiles.write(out, json.getBytes(StandardCharsets.UTF_8));
    if (overlay != null) {
      List<MaskRecord> byArea = new ArrayList<>(records);
      byArea.sort(Comparator.comparingLong(MaskRecord::area).reversed());
      List<Mask> masks = new ArrayList<>();
      byArea.forEach(r -> masks.add(r.mask()));
      Images.writePng(MaskOverlay.render(img, masks, List.of(), List.of()), overlay);
    }
    if (!quiet) {
      commandSpec.commandLine().getErr().printf(Locale.ROOT, "%d masks in %.1f s -> %s%n",
          records.size(), seconds, out);
    }
    return 0;
  }

  private static String maskFile(String stem, int i) {
    return String.format(Locale.ROOT, "%s.mask%04d.png", stem, i);
  }
}
