package io.sam4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.MaskGeneration;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.MaskRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Skipping the masks of prompts whose IoU predictions all fail the filter changes nothing: the
 * records equal those of a run that makes every mask.
 */
class AmgFilterTest {
  @Test
  void skippingFilteredPromptsGivesTheSameRecords() {
    try (SamModel model = SamModel.load(Fixtures.checkpoint(Model.TINY), Fixtures.spec(Model.TINY));
         SamPredictor predictor = model.newPredictor()) {
      RgbImage img = Images.read(Fixtures.imageFile("dog.decoded.png"));
      AmgConfig config = AmgConfig.builder().pointsPerSide(8).predIouThresh(0.2)
          .stabilityScoreThresh(0).boxNmsThresh(0.9).build();
      List<MaskRecord> skipping = new AutomaticMaskGenerator(model, config).generate(img);
      List<MaskRecord> full = new MaskGeneration(config, img, new MaskGeneration.Decoder() {
        @Override
        public int[] setImage(RgbImage crop) {
          predictor.setImage(crop);
          return predictor.embedding().inputSize();
        }

        @Override
        public MaskGeneration.Decoded decode(List<Prompt> prompts, double ignored) {
          PromptDecoder.Output out = predictor.decodeRaw(prompts, Double.NaN);
          return new MaskGeneration.Decoded(out.lowRes(), out.iou(), out.masksPerPrompt(),
              out.rows());
        }
      }, model.spec().lowResSize(), model.spec().imageSize(), (a, b) -> { }).run();
      assertTrue(full.size() > 0, "the threshold keeps some masks");
      assertEquals(full.size(), skipping.size());
      for (int i = 0; i < full.size(); i++) {
        assertEquals(full.get(i).predictedIou(), skipping.get(i).predictedIou(), 1e-5);
        assertArrayEquals(full.get(i).bbox(), skipping.get(i).bbox());
        assertEquals(full.get(i).area(), skipping.get(i).area(), 0.001 * full.get(i).area());
      }
    }
  }
}
