package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.amg.AmgConfig;
import java.util.Iterator;
import java.util.Map;

/**
 * The options of {@code POST /v1/images/{id}/everything}, named as the reference's
 * {@code SamAutomaticMaskGenerator} arguments: points_per_side, points_per_batch, pred_iou_thresh,
 * stability_score_thresh, stability_score_offset, box_nms_thresh, crop_n_layers, crop_nms_thresh,
 * crop_overlap_ratio, crop_n_points_downscale_factor, min_mask_region_area.
 */
final class AmgJson {
  private AmgJson() {}

  static AmgConfig parse(JsonNode o) {
    if (!o.isObject()) {
      throw ApiException.badRequest("the everything options must be a JSON object");
    }
    AmgConfig.Builder b = AmgConfig.builder();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (!v.isNumber()) {
          throw ApiException.badRequest("everything option " + e.getKey() + " must be a number");
        }
        switch (e.getKey()) {
          case "points_per_side" -> b.pointsPerSide(integer(e.getKey(), v));
          case "points_per_batch" -> b.pointsPerBatch(integer(e.getKey(), v));
          case "pred_iou_thresh" -> b.predIouThresh(v.asDouble());
          case "stability_score_thresh" -> b.stabilityScoreThresh(v.asDouble());
          case "stability_score_offset" -> b.stabilityScoreOffset(v.asDouble());
          case "box_nms_thresh" -> b.boxNmsThresh(v.asDouble());
          case "crop_n_layers" -> b.cropNLayers(integer(e.getKey(), v));
          case "crop_nms_thresh" -> b.cropNmsThresh(v.asDouble());
          case "crop_overlap_ratio" -> b.cropOverlapRatio(v.asDouble());
          case "crop_n_points_downscale_factor" ->
              b.cropNPointsDownscaleFactor(integer(e.getKey(), v));
          case "min_mask_region_area" -> b.minMaskRegionArea(integer(e.getKey(), v));
          default -> throw ApiException.badRequest("unknown everything option '" + e.getKey()
              + "' (known: points_per_side, points_per_batch, pred_iou_thresh,"
              + " stability_score_thresh, stability_score_offset, box_nms_thresh, crop_n_layers,"
              + " crop_nms_thresh, crop_overlap_ratio, crop_n_points_downscale_factor,"
              + " min_mask_region_area)");
        }
      }
      return b.outputMode(AmgConfig.OutputMode.COCO_RLE).build();
    } catch (SamException | IllegalArgumentException e) {
      throw ApiException.badRequest("everything options: " + e.getMessage());
    }
  }

  private static int integer(String name, JsonNode v) {
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw ApiException.badRequest("everything option " + name + " must be an integer");
    }
    return v.asInt();
  }
}
