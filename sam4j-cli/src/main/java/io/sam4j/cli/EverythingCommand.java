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

  @Mixin AmgOptions amg;

  @Option(names = "--quiet", description = "No progress bar")
  boolean quiet;

  @Override
  public Integer call() {
    amg.config(); // bad values fail before the model loads
    RgbImage img = Images.read(image);
    List<MaskRecord> records;
    long t0 = System.nanoTime();
    ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "points",
        !quiet);
    AmgConfig config;
    try (SamModel m = model.load(commandSpec.commandLine().getErr())) {
      config = amg.config(m);
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
