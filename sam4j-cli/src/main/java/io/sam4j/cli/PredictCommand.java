package io.sam4j.cli;

import io.sam4j.ImageEmbedding;
import io.sam4j.SamException;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.checkpoint.Npy;
import io.sam4j.image.Images;
import io.sam4j.io.AtomicFiles;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.PromptCase;
import io.sam4j.result.Prediction;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sam4j predict}: runs prompt cases against one image and writes the raw outputs as
 * {@code .npy}, in the layout of the reference fixtures.
 */
@Command(
    name = "predict",
    header = "Run prompt cases and write the raw outputs as .npy files.",
    mixinStandardHelpOptions = true,
    description = {
        "Run the image predictor on prompt cases and write the raw outputs as .npy files:",
        "  DIR/image_embeddings.npy            float32 [1,C,64,64]",
        "  DIR/<case>/masks.npy                uint8 [N,H,W]",
        "  DIR/<case>/iou_predictions.npy      float32 [N]",
        "  DIR/<case>/low_res_logits.npy       float32 [N,256,256]",
        "Example:",
        "  sam4j predict --model mobile_sam.pt --image dog.jpg --prompts cases.json --out out/"})
final class PredictCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec commandSpec;

  @Mixin ModelOptions model;

  @Option(names = "--image", required = true, paramLabel = "IMG", description = "Image file (JPEG, PNG, ...)")
  Path image;

  @Option(names = "--prompts", required = true, paramLabel = "CASES.json",
      description = "JSON array of cases: name, point_coords, point_labels, box, "
          + "multimask_output, mask_input_from; EdgeSAM's num_multimask_outputs (1, 3, 4) and "
          + "use_stability_score")
  Path prompts;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory")
  Path out;

  @Option(names = "--pre-resized",
      description = "The image is already resized (longest side 1024); give --original-size")
  boolean preResized;

  @Option(names = "--original-size", paramLabel = "H,W", split = ",",
      description = "Original image size H,W for --pre-resized (prompt coordinates refer to it)")
  int[] originalSize;

  @Override
  public Integer call() {
    if (preResized && (originalSize == null || originalSize.length != 2)) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "--pre-resized needs --original-size H,W (the size the prompts' coordinates refer to)");
    }
    if (!preResized && originalSize != null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "--original-size needs --pre-resized");
    }
    List<PromptCase> cases = PromptCase.read(prompts);
    // outputs of a run killed outright (SIGKILL) may have left hidden temporaries behind
    AtomicFiles.removeStaleTemporaries(out, 2);
    RgbImage img = Images.read(image);
    try (SamModel m = model.load(commandSpec.commandLine().getErr());
         SamPredictor predictor = m.newPredictor()) {
      if (preResized) {
        predictor.setPreResizedImage(img, originalSize[0], originalSize[1]);
      } else {
        predictor.setImage(img);
      }
      ImageEmbedding emb = predictor.embedding();
      Npy.writeFloats(out.resolve("image_embeddings.npy"), emb.data(), emb.shape());
      Map<String, Prediction> done = new HashMap<>();
      for (PromptCase c : cases) {
        float[] maskInput = null;
        if (c.maskInputFrom() != null) {
          Prediction from = done.get(c.maskInputFrom());
          maskInput = from.lowResLogits(from.bestIndex());
        }
        Prediction p = predictor.predict(c.prompt(maskInput));
        done.put(c.name(), p);
        write(out.resolve(c.name()), p, emb.originalSize());
      }
    }
    return 0;
  }

  private static void write(Path dir, Prediction p, int[] size) {
    int n = p.size();
    int hw = size[0] * size[1];
    byte[] masks = new byte[n * hw];
    int side = p.lowResSize();
    float[] low = new float[n * side * side];
    for (int i = 0; i < n; i++) {
      System.arraycopy(p.masks().get(i).toByteArray(), 0, masks, i * hw, hw);
      System.arraycopy(p.lowResLogits(i), 0, low, i * side * side, side * side);
    }
    Npy.writeBytes(dir.resolve("masks.npy"), masks, n, size[0], size[1]);
    Npy.writeFloats(dir.resolve("iou_predictions.npy"), p.iouPredictions(), n);
    Npy.writeFloats(dir.resolve("low_res_logits.npy"), low, n, side, side);
  }
}
