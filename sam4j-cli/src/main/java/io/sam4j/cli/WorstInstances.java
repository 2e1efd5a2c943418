package io.sam4j.cli;

import io.sam4j.eval.coco.CocoDataset;
import io.sam4j.eval.coco.InstanceResult;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Box;
import io.sam4j.render.MaskOverlay;
import io.sam4j.result.Mask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the lowest-IoU instances of an evaluation with their predictions and draws them. */
final class WorstInstances {
  private record Entry(InstanceResult result, Mask prediction) {}

  private final int keep;
  private final PriorityQueue<Entry> heap =
      new PriorityQueue<>(Comparator.comparingDouble((Entry e) -> e.result().iou()).reversed());

  WorstInstances(int keep) {
    this.keep = keep;
  }

  void offer(InstanceResult r, Mask prediction) {
    if (Double.isNaN(r.iou())) {
      return;
    }
    heap.add(new Entry(r, prediction));
    if (heap.size() > keep) {
      heap.poll();
    }
  }

  /**
   * Writes {@code <id>.png} per kept instance: the ground truth (first colour), the prediction
   * (second colour) and the annotation's box over the image.
   */
  void write(CocoDataset ds, Path images, Path dir) {
    List<Entry> all = new ArrayList<>(heap);
    for (Entry e : all) {
      CocoDataset.CocoAnnotation a = ds.annotations().stream()
          .filter(x -> x.id() == e.result().id()).findFirst().orElseThrow();
      RgbImage img = Images.read(images.resolve(ds.images().get(a.imageId()).fileName()));
      double[] b = a.bbox();
      List<Box> boxes = b[2] > 0 && b[3] > 0
          ? List.of(new Box(b[0], b[1], b[0] + b[2], b[1] + b[3])) : List.of();
      RgbImage overlay = MaskOverlay.render(img, List.of(ds.mask(a), e.prediction()), List.of(),
          boxes);
      Images.writePng(overlay, dir.resolve(a.id() + ".png"));
    }
  }
}
