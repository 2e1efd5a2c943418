package io.sam4j.spark;

import io.sam4j.amg.AmgConfig;
import io.sam4j.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The photos, bad files, AMG settings and Spark session the Spark tests share. */
final class SparkTestData {
  static final List<String> PHOTOS = List.of("dog.jpg", "picture1.jpg", "picture3.jpg");

  /** Small AMG settings that keep records from the random-weight fixture model. */
  static final String[] AMG_ARGS = {"--points-per-side", "4", "--points-per-batch", "7",
      "--pred-iou-thresh", "-100", "--stability-score-thresh", "0", "--box-nms-thresh", "0.7"};

  private SparkTestData() {}

  static AmgConfig amg() {
    return AmgConfig.builder().pointsPerSide(4).pointsPerBatch(7).predIouThresh(-100)
        .stabilityScoreThresh(0).boxNmsThresh(0.7)
        .outputMode(AmgConfig.OutputMode.UNCOMPRESSED_RLE).build();
  }

  static Path checkpoint() {
    return Fixtures.checkpoint(Fixtures.Model.MOBILESAM);
  }

  /** Copies the fixture photos into {@code dir} and adds broken.jpg (a JPEG cut in half). */
  static Path imageDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String n : PHOTOS) {
      Files.copy(Fixtures.root().resolve("images").resolve(n), dir.resolve(n));
    }
    byte[] dog = Files.readAllBytes(Fixtures.root().resolve("images").resolve("dog.jpg"));
    Files.write(dir.resolve("broken.jpg"), Arrays.copyOf(dog, dog.length / 2));
    return dir;
  }

  /** A local[2] session without UI, talking over the loopback interface. */
  static SparkSession session() {
    return SparkSession.builder().appName("sam4j-spark test").master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
