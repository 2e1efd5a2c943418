package io.sam4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.AutomaticMaskGenerator;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.image.Images;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.prompt.PromptCase;
import io.sam4j.result.MaskRecord;
import io.sam4j.result.Prediction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark in local[2] over the fixture photos plus a corrupt and a missing file: the masks
 * are the library's own (same RLE, same scores), the bad rows carry errors, the model is built
 * once in this (the only executor) JVM, and the Parquet output reads back.
 */
class SparkSegmenterTest {
  private static final String CASES = "[{\"name\": \"point\", \"point_coords\": [[120, 90]],"
      + " \"point_labels\": [1], \"multimask_output\": true},"
      + " {\"name\": \"box\", \"box\": [20, 30, 200, 160]},"
      + " {\"name\": \"refine\", \"point_coords\": [[125, 95], [10, 10]],"
      + " \"point_labels\": [1, 0], \"mask_input_from\": \"point\"}]";

  @TempDir static Path dir;
  static SparkSession spark;
  static LongAccumulator loads;
  static int loadsBefore;
  static SamModel library;
  static Dataset<Row> input;

  @BeforeAll
  static void start() throws Exception {
    ExecutorModels.closeAll();
    loadsBefore = ExecutorModels.loads();
    spark = SparkTestData.session();
    loads = spark.sparkContext().longAccumulator("loads");
    library = SamModel.load(SparkTestData.checkpoint());
    Path images = SparkTestData.imageDir(dir.resolve("images"));
    List<org.apache.hadoop.fs.Path> files = new ArrayList<>();
    Map<String, String> prompts = new HashMap<>();
    for (String n : List.of("dog.jpg", "picture1.jpg", "broken.jpg", "missing.jpg",
        "picture3.jpg")) {
      files.add(new org.apache.hadoop.fs.Path(images.resolve(n).toUri()));
      prompts.put(n, CASES);
    }
    input = ImageInputs.dataset(spark, files, prompts, 3);
  }

  @AfterAll
  static void stop() {
    if (library != null) {
      library.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  private static List<Row> run(Mode mode, String name) {
    Dataset<Row> out = SparkSegmenter.builder(SparkTestData.checkpoint().toString())
        .mode(mode).amg(SparkTestData.amg()).countModelLoads(loads).build().segment(input);
    String parquet = dir.resolve(name).toString();
    out.write().mode(SaveMode.Overwrite).parquet(parquet);
    Dataset<Row> back = spark.read().parquet(parquet);
    assertEquals(ResultSchema.ROW.fieldNames().length, back.columns().length);
    List<Row> rows = back.orderBy("image_id").collectAsList();
    assertEquals(5, rows.size());
    assertEquals(1, ExecutorModels.loads() - loadsBefore, "one model build in this JVM");
    assertEquals(1, loads.value(), "one model build counted by the tasks");
    return rows;
  }

  private static void assertBadRows(Map<String, Row> byId) {
    String broken = byId.get("broken.jpg").getAs("error");
    assertTrue(broken != null && broken.contains("broken.jpg"), broken);
    String missing = byId.get("missing.jpg").getAs("error");
    assertTrue(missing != null && missing.contains("does not exist"), missing);
    assertNull(byId.get("broken.jpg").getAs("masks"));
  }

  private static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    rows.forEach(r -> out.put(r.getAs("image_id"), r));
    return out;
  }

  @Test
  void everythingGivesTheLibrarysRecords() {
    Map<String, Row> rows = byId(run(Mode.EVERYTHING, "everything"));
    assertBadRows(rows);
    for (String n : SparkTestData.PHOTOS) {
      Row r = rows.get(n);
      assertNull(r.getAs("error"), n);
      List<MaskRecord> expected = new AutomaticMaskGenerator(library, SparkTestData.amg())
          .generate(Images.read(dir.resolve("images").resolve(n)));
      List<Row> masks = r.getList(r.fieldIndex("masks"));
      assertFalse(masks.isEmpty(), n);
      assertEquals(expected.size(), masks.size(), n);
      List<MaskRecord> got = MaskRows.toRecords(masks, r.getAs("height"), r.getAs("width"));
      for (int i = 0; i < expected.size(); i++) {
        MaskRecord e = expected.get(i);
        MaskRecord g = got.get(i);
        assertEquals(e.rle(), g.rle(), n + " record " + i);
        assertEquals(CocoRle.encode(e.rle()), masks.get(i).getAs("counts"));
        assertEquals(List.of(e.bbox()[0], e.bbox()[1], e.bbox()[2], e.bbox()[3]),
            List.of(g.bbox()[0], g.bbox()[1], g.bbox()[2], g.bbox()[3]));
        assertEquals(e.predictedIou(), g.predictedIou());
        assertEquals(e.stabilityScore(), g.stabilityScore());
        assertEquals(e.area(), g.area());
      }
    }
  }

  @Test
  void promptsGiveThePredictorsMasks() throws Exception {
    Map<String, Row> rows = byId(run(Mode.PROMPTS, "prompts"));
    assertBadRows(rows);
    List<PromptCase> cases = PromptCase.parse(new ObjectMapper().readTree(CASES), "test");
    for (String n : SparkTestData.PHOTOS) {
      Row r = rows.get(n);
      assertNull(r.getAs("error"), n);
      List<Row> masks = r.getList(r.fieldIndex("masks"));
      assertEquals(3 + 1 + 1, masks.size(), n + ": 3 masks for the multimask case, 1 each else");
      int k = 0;
      try (SamPredictor p = library.newPredictor()) {
        p.setImage(Images.read(dir.resolve("images").resolve(n)));
        Map<String, Prediction> done = new HashMap<>();
        for (PromptCase c : cases) {
          float[] maskInput = c.maskInputFrom() == null ? null
              : done.get(c.maskInputFrom()).lowResLogits(done.get(c.maskInputFrom()).bestIndex());
          Prediction pred = p.predict(c.prompt(maskInput));
          done.put(c.name(), pred);
          for (int i = 0; i < pred.size(); i++, k++) {
            Row m = masks.get(k);
            assertEquals(c.name(), m.getAs("case_name"));
            Rle rle = Rle.encode(pred.masks().get(i));
            assertEquals(CocoRle.encode(rle), m.getAs("counts"), n + " " + c.name() + " " + i);
            assertEquals(pred.iouPredictions()[i], (float) m.getAs("predicted_iou"));
            assertEquals(rle.area(), (long) m.getAs("area"));
            assertEquals(i == pred.bestIndex(), m.getAs("best"));
          }
        }
      }
    }
  }
}
