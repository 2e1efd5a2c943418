package io.sam4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.eval.coco.CocoDataset;
import io.sam4j.eval.coco.Evaluation;
import io.sam4j.eval.coco.EvaluationResult;
import io.sam4j.eval.coco.PromptKind;
import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.eval.corrupt.Occlusion;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.image.RgbImage;
import io.sam4j.registry.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Occlusion in the robustness study, with the MobileSAM fixture on the metrics fixture's COCO set:
 * each annotation is evaluated on its own image, occluded in its own box with its own seed.
 */
class RobustnessOcclusionTest {
  @Test
  void eachAnnotationSeesItsOwnOccludedBox() {
    CocoDataset ds = CocoDataset.read(Fixtures.root().resolve("metrics/coco/instances.json"));
    Evaluation ev = new Evaluation(ds, Fixtures.root().resolve("images"), PromptKind.BOX, 0, 2,
        5L, false);
    try (SamModel model = SamModel.load(Fixtures.checkpoint(Model.MOBILESAM),
        Fixtures.spec(Model.MOBILESAM)); SamPredictor p = model.newPredictor()) {
      EvaluationResult clean = ev.run(p, Map.of(), x -> { }, ProgressListener.NONE);

      // identity per object: one annotation per encoding, the same IoUs as the batched run
      List<Long> seen = new ArrayList<>();
      EvaluationResult same = ev.runPerObject(p, Map.of(), x -> { }, ProgressListener.NONE,
          (img, a) -> {
            seen.add(a.id());
            return img;
          });
      assertEquals(ev.selected().stream().map(CocoDataset.CocoAnnotation::id).toList(), seen);
      for (int i = 0; i < 2; i++) {
        assertEquals(clean.instances().get(i).iou(), same.instances().get(i).iou(), 1e-6);
      }

      // the study's occlusion: the annotation's bbox, 50% covered, seeded per annotation
      List<Long> covered = new ArrayList<>();
      EvaluationResult manual = ev.runPerObject(p, Map.of(), x -> { }, ProgressListener.NONE,
          (img, a) -> {
            Occlusion.Patch patch = Occlusion.patch(img.width(), img.height(),
                Robustness.box(a), 5, Robustness.objectSeed(
                    Robustness.runSeed(5L, Corruption.OCCLUSION, 5), a));
            double[] b = a.bbox();
            assertTrue(patch.x() >= Math.floor(b[0]) && patch.y() >= Math.floor(b[1])
                && patch.x() + patch.width() <= Math.ceil(b[0] + b[2])
                && patch.y() + patch.height() <= Math.ceil(b[1] + b[3]), "patch in the bbox");
            assertEquals(0.5, patch.fraction(), 0.5 / patch.boxArea() + 1e-12);
            covered.add(patch.pixels());
            RgbImage out = Occlusion.paint(img, patch);
            return out;
          });
      assertEquals(2, covered.size());
      Robustness.RobustnessResult r = new Robustness(ev, List.of(Corruption.OCCLUSION),
          List.of(5), null).run(p, ProgressListener.NONE);
      assertEquals(clean.miou(), r.clean(), 1e-12);
      assertEquals(manual.miou(), r.miou().get(Corruption.OCCLUSION).get(5), 1e-12,
          "the study occludes each annotation's box with its own seed");
      assertNotEquals(clean.miou(), manual.miou(), "half of every box covered changes the masks");
    }
  }
}
