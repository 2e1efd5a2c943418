package io.sam4j.cli;

import io.sam4j.SamException;
import io.sam4j.checkpoint.DType;
import io.sam4j.checkpoint.Npy;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.io.AtomicFiles;
import io.sam4j.modeling.sam3.ConceptCase;
import io.sam4j.modeling.sam3.ConceptResult;
import io.sam4j.modeling.sam3.Sam3Model;
import io.sam4j.modeling.sam3.Sam3Predictor;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sam4j concept-cases}: SAM 3's raw and kept outputs for a list of concept prompts. */
@Command(
    name = "concept-cases",
    header = "Run SAM 3 concept prompts (phrases, example boxes, points) on one image.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "CASES is a JSON array of {\"name\", \"text\"?, \"boxes\"?: [[cx, cy, w, h], ...],",
        "\"box_labels\"?: [true|false, ...], \"points\"?: [[x, y], ...], \"point_labels\"?: [...]}",
        "with boxes and points normalised to the photo ([0, 1]); labels default to true",
        "(positive).",
        "A case without text uses the text \"visual\", as the reference does. For each case:",
        "  DIR/<name>/tokens.npy             int64 [32]",
        "  DIR/<name>/pred_logits.npy        float32 [Q] (clamped, no presence)",
        "  DIR/<name>/pred_boxes.npy         float32 [Q,4] normalised cxcywh",
        "  DIR/<name>/presence_logit_dec.npy float32 [1]",
        "  DIR/<name>/scores.npy             float32 [K] kept queries, query order",
        "  DIR/<name>/boxes.npy              float32 [K,4] pixel xyxy, not clipped",
        "  DIR/<name>/masks.npy              uint8 [K,H,W] at the photo's size",
        "With --pre-resized, IMG is exactly the square network input and --original-size H,W sets",
        "the size of the outputs.",
        "Example:",
        "  sam4j concept-cases --model sam3.pt --image street.jpg --cases cases.json --out out/"})
final class ConceptCasesCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "NAME|PATH",
      description = "The SAM 3 checkpoint (sam3.pt, gated: see 'sam4j models list')")
  String model;

  @Option(names = "--spec", paramLabel = "SPEC.json",
      description = "SAM 3 spec for a reduced or fine-tuned variant (the format of"
          + " sam3_fixture.spec.json); not needed for the official sam3.pt")
  Path spec;

  @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file")
  Path image;

  @Option(names = "--cases", required = true, paramLabel = "CASES.json",
      description = "JSON array of concept cases (see above)")
  Path cases;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory")
  Path out;

  @Option(names = "--pre-resized",
      description = "IMG is already the square network input; give --original-size")
  boolean preResized;

  @Option(names = "--original-size", paramLabel = "H,W", split = ",",
      description = "Photo size H,W for --pre-resized (height first)")
  int[] originalSize;

  @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "P",
      description = "Keep queries whose score is above P (default ${DEFAULT-VALUE})")
  double threshold;

  @Mixin ThreadsOption threads;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Override
  public Integer call() {
    if (preResized && (originalSize == null || originalSize.length != 2)) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "--pre-resized needs --original-size H,W (height first)");
    }
    if (!preResized && originalSize != null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--original-size needs --pre-resized");
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--threshold must lie in [0, 1]");
    }
    List<ConceptCase> list = ConceptCase.read(cases);
    RgbImage img = Images.read(image);
    AtomicFiles.removeStaleTemporaries(out, 2);
    Path checkpoint = ModelOptions.resolve(model, commandSpec.commandLine().getErr());
    try (Sam3Model m = Sam3Model.load(checkpoint, spec,
        new RuntimeOptions(threads.threads, true))) {
      Sam3Predictor p = m.newPredictor();
      int h;
      int w;
      if (preResized) {
        h = originalSize[0];
        w = originalSize[1];
        p.setPreResizedImage(img, h, w);
      } else {
        h = img.height();
        w = img.width();
        p.setImage(img);
      }
      for (ConceptCase c : list) {
        write(out.resolve(c.name()), p.predict(c.prompt(), threshold), h, w);
      }
    }
    return 0;
  }

  private static void write(Path dir, ConceptResult r, int h, int w) {
    long[] tokens = r.tokens();
    ByteBuffer ids = ByteBuffer.allocate(tokens.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    ids.asLongBuffer().put(tokens);
    Npy.write(dir.resolve("tokens.npy"), DType.INT64, new long[] {tokens.length}, ids.array());
    float[] logits = r.predLogits();
    Npy.writeFloats(dir.resolve("pred_logits.npy"), logits, logits.length);
    Npy.writeFloats(dir.resolve("pred_boxes.npy"), r.predBoxes(), logits.length, 4);
    Npy.writeFloats(dir.resolve("presence_logit_dec.npy"), new float[] {r.presenceLogit()}, 1);
    int k = r.instances().size();
    float[] scores = new float[k];
    float[] boxes = new float[4 * k];
    byte[] masks = new byte[k * h * w];
    for (int i = 0; i < k; i++) {
      ConceptResult.Instance in = r.instances().get(i);
      scores[i] = in.score();
      System.arraycopy(in.box(), 0, boxes, 4 * i, 4);
      System.arraycopy(in.mask().toByteArray(), 0, masks, i * h * w, h * w);
    }
    Npy.writeFloats(dir.resolve("scores.npy"), scores, k);
    Npy.writeFloats(dir.resolve("boxes.npy"), boxes, k, 4);
    Npy.writeBytes(dir.resolve("masks.npy"), masks, k, h, w);
  }
}
