package io.sam4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.cli.Main;
import io.sam4j.fixtures.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam4j spark-job} in local[2] over a directory with the fixture photos and a broken JPEG:
 * each photo's JSON is exactly what {@code sam4j everything --out} writes for it, the broken one's
 * names the error, the Parquet reads back and the summary counts it all.
 */
class SparkJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static String[] args(String[] head, String... tail) {
    List<String> all = new ArrayList<>(Arrays.asList(head));
    all.addAll(Arrays.asList(SparkTestData.AMG_ARGS));
    all.addAll(Arrays.asList(tail));
    return all.toArray(new String[0]);
  }

  @Test
  void everythingJsonIsTheCommandLinesRecords() throws Exception {
    Path images = SparkTestData.imageDir(dir.resolve("images"));
    Path out = dir.resolve("out");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = SparkJob.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true),
        args(new String[] {"--master", "local[2]", "--model", SparkTestData.checkpoint().toString(),
            "--input", images.toString(), "--mode", "everything"},
            "--out", out.toString(), "--json"));
    assertEquals(0, code, stderr.toString());
    assertTrue(stdout.toString().contains("4 images"), stdout.toString());
    assertTrue(Files.isDirectory(out.resolve("parquet")));
    JsonNode broken = JSON.readTree(out.resolve("json/broken.json").toFile());
    assertTrue(broken.get("error").asText().contains("broken.jpg"), broken.toString());
    for (String n : SparkTestData.PHOTOS) {
      String stem = n.replace(".jpg", "");
      Path cliOut = dir.resolve(stem + ".cli.json");
      StringWriter err = new StringWriter();
      int c = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
          args(new String[] {"everything", "--model", SparkTestData.checkpoint().toString(),
              "--image", images.resolve(n).toString(), "--out", cliOut.toString()}, "--quiet"));
      assertEquals(0, c, err.toString());
      JsonNode expected = JSON.readTree(cliOut.toFile());
      JsonNode got = JSON.readTree(out.resolve("json").resolve(stem + ".json").toFile());
      assertTrue(expected.get("records").size() > 0, n);
      assertEquals(expected, got, n);
    }
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(4, summary.get("images").asInt());
    assertEquals(1, summary.get("errors").asInt());
    SparkSession spark = SparkTestData.session();
    try {
      List<Row> rows = spark.read().parquet(out.resolve("parquet").toString()).collectAsList();
      assertEquals(4, rows.size());
      long masks = rows.stream().filter(r -> r.getAs("masks") != null)
          .mapToLong(r -> r.getList(r.fieldIndex("masks")).size()).sum();
      assertEquals(summary.get("masks").asLong(), masks);
    } finally {
      spark.stop();
    }
  }

  @Test
  void promptsFileGivesEachImageItsCases() throws Exception {
    Path images = SparkTestData.imageDir(dir.resolve("images"));
    Files.delete(images.resolve("picture3.jpg"));
    Path prompts = dir.resolve("prompts.json");
    Files.writeString(prompts, "{\"dog.jpg\": [{\"name\": \"a\", \"point_coords\": [[50, 60]],"
        + " \"point_labels\": [1]}], \"picture1.jpg\": [{\"name\": \"b\", \"box\": [5, 5, 90, 80],"
        + " \"multimask_output\": true}]}");
    Path out = dir.resolve("out");
    StringWriter stderr = new StringWriter();
    int code = SparkJob.run(new PrintWriter(new StringWriter()), new PrintWriter(stderr, true),
        "--master", "local[2]", "--model", SparkTestData.checkpoint().toString(), "--input",
        images.toString(), "--mode", "prompts", "--prompts", prompts.toString(), "--out",
        out.toString(), "--json");
    assertEquals(0, code, stderr.toString());
    JsonNode dog = JSON.readTree(out.resolve("json/dog.json").toFile());
    assertEquals("a", dog.at("/objects/0/name").asText());
    assertEquals(1, dog.at("/objects/0/masks").size());
    JsonNode pic = JSON.readTree(out.resolve("json/picture1.json").toFile());
    assertEquals(3, pic.at("/objects/0/masks").size());
    assertTrue(pic.at("/objects/0/masks/0/segmentation/counts").isTextual());
    assertTrue(JSON.readTree(out.resolve("json/broken.json").toFile()).has("error"));
  }

  @Test
  void conceptModeWritesWhatSegmentTextWrites() throws Exception {
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    Files.copy(Fixtures.root().resolve("images/dog.jpg"), images.resolve("dog.jpg"));
    Files.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2});
    Path model = Fixtures.root().resolve("sam3_fixture.pt");
    Path spec = Fixtures.root().resolve("sam3_fixture.spec.json");
    Path out = dir.resolve("out");
    StringWriter stderr = new StringWriter();
    int code = SparkJob.run(new PrintWriter(new StringWriter()), new PrintWriter(stderr, true),
        "--master", "local[2]", "--model", model.toString(), "--spec", spec.toString(),
        "--input", images.toString(), "--mode", "concept", "--text", "a dog", "--text", "grass",
        "--threshold", "0.6", "--out", out.toString(), "--json");
    assertEquals(0, code, stderr.toString());
    Path cliOut = dir.resolve("cli");
    StringWriter err = new StringWriter();
    int c = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "segment",
        "--model", model.toString(), "--spec", spec.toString(), "--image",
        images.resolve("dog.jpg").toString(), "--text", "a dog", "--text", "grass",
        "--threshold", "0.6", "--out", cliOut.toString());
    assertEquals(0, c, err.toString());
    JsonNode expected = JSON.readTree(cliOut.resolve("dog.json").toFile());
    JsonNode got = JSON.readTree(out.resolve("json/dog.json").toFile());
    assertTrue(expected.get("instances").size() > 1, expected.toString());
    for (JsonNode in : expected.get("instances")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) in).remove("file");
    }
    for (JsonNode in : got.get("instances")) {
      String label = in.get("label").asText();
      assertEquals(label, ((com.fasterxml.jackson.databind.node.ObjectNode) in).remove("case")
          .asText(), "a phrase's case is named after it");
    }
    assertEquals(expected, got);
    assertTrue(JSON.readTree(out.resolve("json/broken.json").toFile()).get("error").asText()
        .contains("broken.jpg"));
  }

  @Test
  void badArgumentsFailBeforeSparkStarts() {
    StringWriter stderr = new StringWriter();
    int code = SparkJob.run(new PrintWriter(new StringWriter()), new PrintWriter(stderr, true),
        "--model", "x.pt", "--input", "in", "--mode", "segment", "--out", "o");
    assertEquals(1, code);
    assertTrue(stderr.toString().contains("everything, prompts, embed, concept"), stderr.toString());
  }
}
