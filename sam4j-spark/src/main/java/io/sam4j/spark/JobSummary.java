package io.sam4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a job did: images, masks, failed images, the wall time of segmenting and writing (model
 * loads included) and the model builds (one per executor JVM).
 */
record JobSummary(long images, long masks, long errors, double seconds, long modelLoads) {
  /** Counts the rows of a job's (written) result. */
  static JobSummary of(Dataset<Row> result, double seconds, long modelLoads) {
    Row r = result.agg(count("*"),
        sum(when(col("masks").isNull(), 0).otherwise(size(col("masks")))),
        count(col("error"))).first();
    long masks = r.isNullAt(1) ? 0 : r.getLong(1);
    return new JobSummary(r.getLong(0), masks, r.getLong(2), seconds, modelLoads);
  }

  double imagesPerSecond() {
    return seconds > 0 ? images / seconds : 0;
  }

  /** The closing line of the command. */
  String line(String out) {
    return String.format(Locale.ROOT, "spark-job: %d images, %d masks, %d errors in %.1f s"
        + " (%.3f images/s, %d model loads) -> %s", images, masks, errors, seconds,
        imagesPerSecond(), modelLoads, out);
  }

  /** Writes the summary as JSON. */
  void write(Path file, Configuration conf) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("images", images).put("masks", masks).put("errors", errors).put("seconds", seconds)
        .put("images_per_second", imagesPerSecond()).put("model_loads", modelLoads);
    try (OutputStream s = file.getFileSystem(conf).create(file, true)) {
      s.write(o.toPrettyString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot write " + file + ": "
          + e.getMessage(), e);
    }
  }
}
