package io.sam4j;

import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.MaskGeneration;
import io.sam4j.amg.StabilityScore;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.result.MaskRecord;
import io.sam4j.transform.MaskPostprocessor;
import java.util.List;
import java.util.function.Function;

/**
 * "Segment everything": prompts the model with a grid of points (optionally over overlapping
 * crops), keeps the masks that pass the predicted-IoU and stability filters, removes duplicates
 * with box NMS, and returns records in the reference's form ({@code SamAutomaticMaskGenerator}).
 * For SAM 2-family models it follows {@code SAM2AutomaticMaskGenerator}: points in the square
 * input frame, masks upscaled straight to the crop size, and {@code min_mask_region_area} applied
 * to the low-res logits (holes filled, specks removed) instead of the full-resolution masks.
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
  /** Null: crops are encoded; otherwise where their embeddings come from (tests). */
  private final Function<RgbImage, ImageEmbedding> embeddings;

  /** A generator with the given parameters. */
  public AutomaticMaskGenerator(SamModel model, AmgConfig config) {
    this(model, config, null);
  }

  /** A generator with the reference defaults of the model's family (see {@link #defaults}). */
  public AutomaticMaskGenerator(SamModel model) {
    this(model, defaults(model).build());
  }

  AutomaticMaskGenerator(SamModel model, AmgConfig config,
      Function<RgbImage, ImageEmbedding> embeddings) {
    this.model = model;
    this.config = config;
    this.embeddings = embeddings;
  }

  /**
   * The parameters the reference generator of the model's family starts from, to adjust:
   * {@code SamAutomaticMaskGenerator}'s, or {@code SAM2AutomaticMaskGenerator}'s (the same but
   * {@code pred_iou_thresh} 0.8 instead of 0.88).
   */
  public static AmgConfig.Builder defaults(SamModel model) {
    return model.backend().amgDefaults();
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
    boolean lowResStability = model.sam2Spec().isEmpty()
        && model.spec().encoder().amgScore() == ModelSpec.MaskScore.LOW_RES_STABILITY;
    try (SamPredictor predictor = model.newPredictor()) {
      ModelBackend backend = model.backend();
      int low = backend.lowResSize();
      return new MaskGeneration(config, image, new MaskGeneration.Decoder() {
        @Override
        public int[] setImage(RgbImage crop) {
          if (embeddings == null) {
            predictor.setImage(crop);
          } else {
            predictor.setEmbedding(embeddings.apply(crop));
          }
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

        @Override
        public MaskPostprocessor upscaler(int[] size) {
          return backend.upscaler(predictor.embedding(), size);
        }

        @Override
        public boolean cleansLowResRegions() {
          return backend.cleansLowResRegions();
        }

        @Override
        public float lowResClamp() {
          return backend.lowResClamp();
        }
      }, low, backend.imageSize(), progress::update).run();
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
