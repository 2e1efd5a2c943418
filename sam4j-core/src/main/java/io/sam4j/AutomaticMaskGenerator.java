package io.sam4j;

import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.LowResRegions;
import io.sam4j.amg.MaskGeneration;
import io.sam4j.image.RgbImage;
import io.sam4j.result.MaskRecord;
import io.sam4j.transform.MaskPostprocessor;
import java.util.List;

/**
 * "Segment everything": prompts the model with a grid of points (optionally over overlapping
 * crops), keeps the masks that pass the predicted-IoU and stability filters, removes duplicates
 * with box NMS, and returns records in the reference's form ({@code SamAutomaticMaskGenerator}).
 * For SAM 2-family models it follows {@code SAM2AutomaticMaskGenerator}: points in the square
 * input frame, masks upscaled straight to the crop size, and {@code min_mask_region_area} applied
 * to the low-res logits (holes filled, specks removed) instead of the full-resolution masks.
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
    try (SamPredictor predictor = model.newPredictor()) {
      ModelBackend backend = model.backend();
      int low = backend.lowResSize();
      return new MaskGeneration(config, image, new MaskGeneration.Decoder() {
        @Override
        public int[] setImage(RgbImage crop) {
          predictor.setImage(crop);
          return predictor.embedding().inputSize();
        }

        @Override
        public MaskGeneration.Decoded decode(List<io.sam4j.prompt.Prompt> prompts,
            double iouThreshold) {
          PromptDecoder.Output out = predictor.decodeRaw(prompts, iouThreshold);
          float[] lowRes = out.lowRes();
          if (cleansLowResRegions() && config.minMaskRegionArea() > 0) {
            for (int k = 0; k < lowRes.length; k += low * low) {
              LowResRegions.fill(lowRes, k, low, config.minMaskRegionArea());
            }
          }
          return new MaskGeneration.Decoded(lowRes, out.iou(), out.masksPerPrompt(), out.rows());
        }

        @Override
        public MaskPostprocessor upscaler(int[] size) {
          return backend.upscaler(predictor.embedding(), size);
        }

        @Override
        public boolean cleansLowResRegions() {
          return backend.cleansLowResRegions();
        }
      }, low, backend.imageSize(), progress::update).run();
    }
  }
}
