package io.sam4j.amg;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.mask.CocoRle;
import io.sam4j.result.MaskRecord;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Mask records as the reference's JSON: {@code {"records": [{segmentation, area, bbox,
 * predicted_iou, point_coords, stability_score, crop_box}, ...]}}. The segmentation follows the
 * output mode: uncompressed RLE counts, a COCO RLE string, or (binary masks) the name of a PNG
 * file written beside the JSON.
 */
public final class RecordsJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RecordsJson() {}

  /**
   * @param maskFile for {@code BINARY_MASK}: the relative file name of record {@code i}'s PNG
   */
  public static ObjectNode toJson(List<MaskRecord> records, AmgConfig.OutputMode mode,
      IntFunction<String> maskFile) {
    ObjectNode root = NODES.objectNode();
    ArrayNode arr = root.putArray("records");
    for (int i = 0; i < records.size(); i++) {
      MaskRecord r = records.get(i);
      ObjectNode o = arr.addObject();
      switch (mode) {
        case UNCOMPRESSED_RLE:
          o.set("segmentation", CocoRle.toJson(r.rle(), false));
          break;
        case COCO_RLE:
          o.set("segmentation", CocoRle.toJson(r.rle(), true));
          break;
        default:
          o.putObject("segmentation").put("file", maskFile.apply(i))
              .putArray("size").add(r.height()).add(r.width());
      }
      o.put("area", r.area());
      ArrayNode bbox = o.putArray("bbox");
      for (int v : r.bbox()) {
        bbox.add(v);
      }
      o.put("predicted_iou", (double) r.predictedIou());
      o.putArray("point_coords").addArray().add(r.pointCoords()[0]).add(r.pointCoords()[1]);
      o.put("stability_score", (double) r.stabilityScore());
      ArrayNode crop = o.putArray("crop_box");
      for (int v : r.cropBox()) {
        crop.add(v);
      }
    }
    return root;
  }
}
