package io.sam4j.spark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.amg.AmgConfig;
import io.sam4j.amg.RecordsJson;
import io.sam4j.modeling.sam3.ConceptJson;
import io.sam4j.mask.CocoRle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one JSON file per result row, {@code DIR/<image stem>.json}, from the executors through
 * Hadoop's file system. Everything mode writes exactly what {@code sam4j everything --out} writes
 * for that image ({@link RecordsJson}: {@code {"records": [...]}}); prompts mode writes the form of
 * {@code sam4j segment}'s JSON ({@code {"image", "size", "objects": [{"name", "best", "masks"}]}},
 * COCO RLE strings); concept mode writes the form of {@code sam4j segment --text}'s JSON
 * ({@code {"image", "size", "instances": [...]}}, {@link ConceptJson}, plus each instance's case
 * name);
 * a failed row writes {@code {"image": ..., "error": ...}}.
 */
final class JsonOutput implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String dir;
  private final Mode mode;
  private final AmgConfig.OutputMode outputMode;
  private final HadoopConf hadoop;

  JsonOutput(String dir, Mode mode, AmgConfig.OutputMode outputMode, HadoopConf hadoop) {
    if (mode == Mode.EMBED) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "JSON output is for the everything and prompts modes (embeddings stay in Parquet)");
    }
    if (outputMode == AmgConfig.OutputMode.BINARY_MASK) {
      throw new SamException(SamException.Kind.BAD_INPUT, "JSON output holds RLE: use"
          + " --output-mode uncompressed_rle or coco_rle (binary_mask writes PNG files)");
    }
    this.dir = dir;
    this.mode = mode;
    this.outputMode = outputMode;
    this.hadoop = hadoop;
  }

  @Override
  public void call(Iterator<Row> rows) throws IOException {
    Path base = new Path(dir);
    FileSystem fs = base.getFileSystem(hadoop.get());
    while (rows.hasNext()) {
      Row r = rows.next();
      String id = r.getAs("image_id");
      Path file = new Path(base, ImageInputs.stem(id) + ".json");
      try (OutputStream out = fs.create(file, true)) {
        out.write(json(r).toString().getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private ObjectNode json(Row r) {
    String error = r.getAs("error");
    if (error != null) {
      ObjectNode o = NODES.objectNode();
      o.put("image", (String) r.getAs("image_id"));
      o.put("error", error);
      return o;
    }
    int h = r.getAs("height");
    int w = r.getAs("width");
    List<Row> masks = r.getList(r.fieldIndex("masks"));
    if (mode == Mode.EVERYTHING) {
      return RecordsJson.toJson(MaskRows.toRecords(masks, h, w), outputMode, i -> null);
    }
    ObjectNode root = NODES.objectNode();
    root.put("image", ImageInputs.stem(r.getAs("image_id")));
    root.putArray("size").add(h).add(w);
    if (mode == Mode.CONCEPT) {
      ArrayNode instances = root.putArray("instances");
      for (Row m : masks) {
        List<Float> box = m.getList(m.fieldIndex("box_xyxy"));
        ConceptJson.add(instances, m.<Integer>getAs("mask_index"), m.getAs("label"),
            m.<Integer>getAs("case_index"), m.<Integer>getAs("query"), m.<Float>getAs("score"),
            new float[] {box.get(0), box.get(1), box.get(2), box.get(3)},
            CocoRle.decode(m.getAs("counts"), h, w)).put("case", (String) m.getAs("case_name"));
      }
      return root;
    }
    ArrayNode objects = root.putArray("objects");
    ObjectNode object = null;
    for (Row m : masks) {
      if (object == null || !object.get("name").asText().equals(m.getAs("case_name"))) {
        object = objects.addObject();
        object.put("name", (String) m.getAs("case_name"));
        object.putArray("masks");
      }
      if (m.<Boolean>getAs("best")) {
        object.put("best", m.<Integer>getAs("mask_index"));
      }
      ObjectNode mo = ((ArrayNode) object.get("masks")).addObject();
      mo.put("iou_prediction", (double) m.<Float>getAs("predicted_iou"));
      Float stability = m.getAs("stability_score");
      if (stability != null) {
        mo.put("stability_score", (double) stability);
      }
      mo.put("area", m.<Long>getAs("area"));
      ArrayNode bbox = mo.putArray("bbox");
      m.<Integer>getList(m.fieldIndex("bbox")).forEach(bbox::add);
      mo.set("segmentation", CocoRle.toJson(CocoRle.decode(m.getAs("counts"), h, w), true));
    }
    return root;
  }
}
