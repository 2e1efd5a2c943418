package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.ImageEmbedding;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.io.AtomicFiles;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.GeoJson;
import io.sam4j.mask.MaskPolygons;
import io.sam4j.mask.Polygon;
import io.sam4j.mask.PolygonJson;
import io.sam4j.mask.Rle;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Point;
import io.sam4j.prompt.Prompt;
import io.sam4j.registry.ProgressListener;
import io.sam4j.render.MaskOverlay;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sam4j segment}: masks for prompted objects in one image or a directory of images. */
@Command(
    name = "segment",
    header = "Segment the objects you point at (points, boxes) in images.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Segment the objects you point at. For each image writes, into --out:",
        "  <image>.json                 IoU predictions, areas, boxes and COCO RLE of every mask",
        "  <image>.object<k>.mask<i>.png  each mask (white on black)",
        "  <image>.overlay.png          the photo with the masks, points and boxes drawn",
        "Examples:",
        "  sam4j segment --model mobile_sam.pt --image dog.jpg --point 500,375 --out out/",
        "  sam4j segment --model mobile_sam.pt --image photos/ --box 10,20,300,400 \\",
        "      --box 350,40,600,420 --out out/"})
final class SegmentCommand implements Callable<Integer> {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Mixin PromptOptions prompt;

  @Option(names = "--image", paramLabel = "FILE|DIR", description = "An image, or a directory of images")
  Path image;

  @Option(names = "--embedding", paramLabel = "FILE",
      description = "Decode from an embedding written by 'sam4j embed' instead of encoding an image")
  Path embedding;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory")
  Path out;

  @Option(names = "--polygons", description = "Also write the masks as polygons (JSON and GeoJSON)")
  boolean polygons;

  @Option(names = "--simplify", defaultValue = "0", paramLabel = "PIXELS",
      description = "Polygon simplification tolerance in pixels (default 0: exact outline)")
  double simplify;

  @Option(names = "--quiet", description = "No progress bar")
  boolean quiet;

  @Option(names = "--text", paramLabel = "PHRASE",
      description = "SAM 3: every instance of this phrase (repeatable; one image encoding serves all)")
  List<String> texts;

  @Option(names = "--exemplar", paramLabel = "X0,Y0,X1,Y1[,neg]",
      description = "SAM 3: an example box in pixels, joined to every phrase (repeatable);"
          + " 'neg' marks a counter-example")
  List<String> exemplars;

  @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "P",
      description = "SAM 3: keep instances scoring above P (default ${DEFAULT-VALUE})")
  double threshold;

  @Override
  public Integer call() {
    if (texts != null || exemplars != null) {
      return concepts();
    }
    if (image == null && embedding == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "give --image FILE|DIR or --embedding FILE");
    }
    List<Prompt> prompts = prompt.prompts();
    List<Path> images = image == null ? List.of() : ImageFiles.list(image);
    int failed = 0;
    try (SamModel m = model.load(commandSpec.commandLine().getErr());
         SamPredictor predictor = m.newPredictor()) {
      if (embedding != null) {
        ImageEmbedding e = ImageEmbedding.load(embedding);
        PromptOptions.requireInside(prompts, e.originalSize()[0], e.originalSize()[1],
            embedding.getFileName().toString());
        predictor.setEmbedding(e);
        RgbImage img = images.isEmpty() ? null : Images.read(images.get(0));
        segment(predictor, prompts, img, stem(embedding));
        return 0;
      }
      ProgressListener progress = Cli.countProgress(commandSpec.commandLine().getErr(), "images",
          !quiet && images.size() > 1);
      progress.begin("segmenting", 0, images.size());
      try {
        for (int i = 0; i < images.size(); i++) {
          Path file = images.get(i);
          try {
            RgbImage img = Images.read(file);
            PromptOptions.requireInside(prompts, img.height(), img.width(),
                file.getFileName().toString());
            predictor.setImage(img);
            segment(predictor, prompts, img, stem(file));
          } catch (SamException e) {
            if (images.size() == 1) {
              throw e;
            }
            failed++;
            commandSpec.commandLine().getErr().println("\nsam4j: error: " + e.getMessage());
          }
          progress.update(i + 1);
        }
      } finally {
        progress.end();
      }
    }
    if (failed > 0) {
      commandSpec.commandLine().getErr().printf(Locale.ROOT,
          "sam4j: %d of %d images failed (see above)%n", failed, images.size());
      return Main.EXIT_BAD_INPUT;
    }
    return 0;
  }

  /** SAM 3: concept prompts instead of points and boxes. */
  private int concepts() {
    if (image == null || embedding != null) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "--text/--exemplar need --image FILE|DIR (not --embedding)");
    }
    if (!prompt.points.isEmpty() || !prompt.boxes.isEmpty() || prompt.maskIn != null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--text/--exemplar (SAM 3 concepts)"
          + " do not mix with --point/--box (interactive prompts)");
    }
    List<ConceptSegment.Exemplar> boxes = new ArrayList<>();
    if (exemplars != null) {
      exemplars.forEach(e -> boxes.add(ConceptSegment.Exemplar.parse(e)));
    }
    List<Path> images = ImageFiles.list(image);
    int failed = ConceptSegment.run(model.checkpoint(commandSpec.commandLine().getErr()),
        model.spec, model.options(), images, texts == null ? List.of() : texts, boxes, threshold,
        out, commandSpec.commandLine().getErr());
    if (failed > 0) {
      commandSpec.commandLine().getErr().printf(Locale.ROOT,
          "sam4j: %d of %d images failed (see above)%n", failed, images.size());
      return Main.EXIT_BAD_INPUT;
    }
    return 0;
  }

  private void segment(SamPredictor predictor, List<Prompt> prompts, RgbImage img, String stem) {
    List<Prediction> preds = predictor.predictBatch(prompts);
    int[] size = predictor.embedding().originalSize();
    ObjectNode root = NODES.objectNode();
    root.put("image", stem);
    root.putArray("size").add(size[0]).add(size[1]);
    ArrayNode objects = root.putArray("objects");
    List<Mask> drawn = new ArrayList<>();
    List<List<Polygon>> outlines = new ArrayList<>();
    for (int k = 0; k < preds.size(); k++) {
      Prediction p = preds.get(k);
      ObjectNode o = objects.addObject();
      o.put("best", p.bestIndex());
      ArrayNode masks = o.putArray("masks");
      for (int i = 0; i < p.size(); i++) {
        Mask mask = p.masks().get(i);
        String file = String.format(Locale.ROOT, "%s.object%d.mask%d.png", stem, k, i);
        Images.writePng(mask, out.resolve(file));
        ObjectNode mo = masks.addObject();
        mo.put("file", file);
        mo.put("iou_prediction", (double) p.iouPredictions()[i]);
        Rle rle = Rle.encode(mask);
        mo.put("area", rle.area());
        ArrayNode bbox = mo.putArray("bbox");
        for (int v : rle.bbox()) {
          bbox.add(v);
        }
        mo.set("segmentation", CocoRle.toJson(rle, true));
        if (polygons) {
          outlines.add(MaskPolygons.trace(mask, simplify));
          mo.set("polygons", PolygonJson.toJson(size[1], size[0], outlines.get(outlines.size() - 1)));
        }
      }
      drawn.add(p.masks().get(p.bestIndex()));
    }
    write(stem + ".json", root);
    if (polygons) {
      write(stem + ".geojson", GeoJson.featureCollection(outlines));
    }
    if (img != null) {
      List<Point> pts = new ArrayList<>();
      List<Box> boxes = new ArrayList<>();
      for (Prompt p : prompts) {
        pts.addAll(p.points());
        p.box().ifPresent(boxes::add);
      }
      Images.writePng(MaskOverlay.render(img, drawn, pts, boxes),
          out.resolve(stem + ".overlay.png"));
    }
  }

  private void write(String name, ObjectNode json) {
    AtomicFiles.write(out.resolve(name), json.toPrettyString().getBytes(StandardCharsets.UTF_8));
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
