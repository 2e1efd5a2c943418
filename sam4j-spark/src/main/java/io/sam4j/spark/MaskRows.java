package io.sam4j.spark;

import io.sam4j.SamPredictor;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.modeling.sam3.ConceptCase;
import io.sam4j.modeling.sam3.ConceptResult;
import io.sam4j.modeling.sam3.Sam3Predictor;
import io.sam4j.prompt.PromptCase;
import io.sam4j.result.MaskRecord;
import io.sam4j.result.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/** Masks as rows of {@link ResultSchema#MASK}, and AMG records back from such rows. */
final class MaskRows {
  private MaskRows() {}

  /** The AMG records of an image, in their order. */
  static List<Row> ofRecords(List<MaskRecord> records) {
    List<Row> out = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      MaskRecord r = records.get(i);
      out.add(RowFactory.create(null, i, false, CocoRle.encode(r.rle()), r.area(),
          ints(r.bbox()), r.predictedIou(), r.stabilityScore(),
          seq(List.of(r.pointCoords()[0], r.pointCoords()[1])), ints(r.cropBox()), null, null,
          null, null, null));
    }
    return out;
  }

  /**
   * Runs the cases on the predictor's current image, as {@code sam4j predict} does (a case's
   * {@code mask_input_from} takes the best mask's low-res logits of that earlier case), and
   * returns every mask of every case.
   *
   * @param offset the stability score's logit offset
   */
  static List<Row> ofCases(SamPredictor predictor, List<PromptCase> cases, double offset) {
    List<Row> out = new ArrayList<>();
    Map<String, Prediction> done = new HashMap<>();
    for (PromptCase c : cases) {
      float[] maskInput = null;
      if (c.maskInputFrom() != null) {
        Prediction from = done.get(c.maskInputFrom());
        maskInput = from.lowResLogits(from.bestIndex());
      }
      Prediction p = predictor.predict(c.prompt(maskInput));
      done.put(c.name(), p);
      for (int i = 0; i < p.size(); i++) {
        Rle rle = Rle.encode(p.masks().get(i));
        Float stability = stability(predictor.upscaleLogits(p.lowResLogits(i)), offset);
        out.add(RowFactory.create(c.name(), i, i == p.bestIndex(), CocoRle.encode(rle),
            rle.area(), ints(rle.bbox()), p.iouPredictions()[i], stability, null, null, null,
            null, null, null, null));
      }
    }
    return out;
  }

  /**
   * Runs SAM 3 concept cases on the predictor's current image, as {@code sam4j segment --text}
   * does, and returns every kept instance of every case (case by case, in query order).
   *
   * @param threshold instances scoring above it are kept
   */
  static List<Row> ofConcepts(Sam3Predictor predictor, List<ConceptCase> cases,
      double threshold) {
    List<Row> out = new ArrayList<>();
    for (int k = 0; k < cases.size(); k++) {
      ConceptCase c = cases.get(k);
      ConceptResult r = predictor.predict(c.prompt(), threshold);
      for (ConceptResult.Instance in : r.instances()) {
        Rle rle = Rle.encode(in.mask());
        List<Float> box = new ArrayList<>();
        for (float v : in.box()) {
          box.add(v);
        }
        out.add(RowFactory.create(c.name(), out.size(), false, CocoRle.encode(rle), rle.area(),
            ints(rle.bbox()), null, null, null, null, k, c.prompt().textUsed(), in.score(),
            in.query(), seq(box)));
      }
    }
    return out;
  }

  /**
   * The reference's stability score: pixels above {@code +offset} over pixels above
   * {@code -offset} of the full-size logits; null when no pixel is above {@code -offset}.
   */
  static Float stability(float[] logits, double offset) {
    long inner = 0;
    long outer = 0;
    for (float v : logits) {
      if (v > offset) {
        inner++;
      }
      if (v > -offset) {
        outer++;
      }
    }
    return outer == 0 ? null : (float) inner / outer;
  }

  /** The AMG records of an everything-mode row (for the JSON files). */
  static List<MaskRecord> toRecords(List<Row> masks, int height, int width) {
    List<MaskRecord> out = new ArrayList<>(masks.size());
    for (Row m : masks) {
      Rle rle = CocoRle.decode(m.getAs("counts"), height, width);
      List<Double> point = m.getList(m.fieldIndex("point_coords"));
      out.add(new MaskRecord(rle, intArray(m.getList(m.fieldIndex("bbox"))),
          m.getAs("predicted_iou"), new double[] {point.get(0), point.get(1)},
          m.getAs("stability_score"), intArray(m.getList(m.fieldIndex("crop_box")))));
    }
    return out;
  }

  /** Values as the Scala sequence Spark's row encoder takes for an array column. */
  static <T> scala.collection.Seq<T> seq(List<T> values) {
    return CollectionConverters.asScala(values).toSeq();
  }

  static scala.collection.Seq<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return seq(out);
  }

  private static int[] intArray(List<Integer> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
