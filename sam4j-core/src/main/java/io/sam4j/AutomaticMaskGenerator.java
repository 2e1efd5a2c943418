package io.sam4j;

import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.MaskGeneration;
import io.sam4j.amg.StabilityScore;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.result.MaskRecord;
import java.util.List;

/**
 * "Segment everything": prompts the model with a grid of points (optionally over overlapping
 * crops), keeps the masks that pass the predicted-IoU and stability filters, removes duplicates
 * with box NMS, and returns records in the reference's form ({@code SamAutomaticMaskGenerator}).
 * Each record's {@code predicted_iou} (and what {@code pred_iou_thresh} filters) is the score the
 * model's family uses ({@link ModelSpec.EncoderSpec#amgScore}): the IoU head's prediction, or for
 * EdgeSAM the stability score of the low-res logits, as its generator computes it.
 *
 * <pre>{@code
 * try (SamModel model = SamModel.load(Path.of("mobile_sam.pt"))) {
 *   List<MaskRecord> masks = new AutomaticMaskGenerator(model, AmgConfig.defaults())
 *       .generate(Images.read(Path.of("dog.jpg")));
 * }
 * }</pre>
 */
public final class AutomaticMaskGenerator {
  /** Receives progress: prompt points decoded so far out of the total. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);
  }

  private final SamModel model;
  private final AmgConfig config;

  public AutomaticMaskGenerator(SamModel model, AmgConfig config) {
    this.model = model;
    this.config = config;
  }

  /** The configuration. */
  public AmgConfig config() {
    return config;
  }

  /** Generates the masks of an image. */
  public List<MaskRecord> generate(RgbImage image) {
    return generate(image, (done, total) -> { });
  }

  /** Generates the masks of an image, reporting progress. */
  public List<MaskRecord> generate(RgbImage image, Progress progress) {
    boolean lowResStability =
        model.spec().encoder().amgScore() == ModelSpec.MaskScore.LOW_RES_STABILITY;
    try (SamPredictor predictor = model.newPredictor()) {
      return new MaskGeneration(config, image, new MaskGeneration.Decoder() {
        @Override
        public int[] setImage(RgbImage crop) {
          predictor.setImage(crop);
          return predictor.embedding().inputSize();
        }

        @Override
        public MaskGeneration.Decoded decode(List<io.sam4j.prompt.Prompt> prompts,
            double iouThreshold) {
          if (lowResStability) {
            return withStabilityScores(predictor.decodeRaw(prompts, Double.NaN));
          }
          PromptDecoder.Output out = predictor.decodeRaw(prompts, iouThreshold);
          return new MaskGeneration.Decoded(out.lowRes(), out.iou(), out.masksPerPrompt(),
              out.rows());
        }
      }, model.spec().lowResSize(), model.spec().imageSize(), progress::update).run();
    }
  }

  /** Decoder outputs (every prompt with masks) whose scores are the low-res stability scores. */
  private MaskGeneration.Decoded withStabilityScores(PromptDecoder.Output out) {
    int m = out.masksPerPrompt();
    int side = model.spec().lowResSize() * model.spec().lowResSize();
    float[] scores = new float[out.iou().length];
    for (int i = 0; i < out.rows().length; i++) {
      for (int t = 0; t < m; t++) {
        scores[i * m + t] = StabilityScore.lowRes(out.lowRes(), (out.rows()[i] * m + t) * side,
            side);
      }
    }
    return new MaskGeneration.Decoded(out.lowRes(), scores, m, out.rows());
  }
}
