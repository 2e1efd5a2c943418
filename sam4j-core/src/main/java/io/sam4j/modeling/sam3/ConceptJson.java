package io.sam4j.modeling.sam3;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;

/**
 * One SAM 3 instance in the JSON form that {@code sam4j segment --text}, {@code sam4j spark-job
 * --mode concept} and the server write: {@code {"id", "label", "prompt", "query", "score",
 * "bbox" (XYWH, from the predicted box), "box_xyxy", "area", "segmentation" (COCO RLE,
 * compressed string)}}.
 */
public final class ConceptJson {
  private ConceptJson() {}

  /**
   * Appends one instance to {@code instances} and returns its node.
   *
   * @param id the instance's number in the image (0, 1, ...)
   * @param label the phrase the text encoder got
   * @param prompt the prompt's index in the image's prompts
   * @param query the decoder query the instance came from
   * @param score sigmoid(logit) x sigmoid(presence)
   * @param xyxy the predicted box in pixels, not clipped
   * @param rle the instance's mask at the photo's size
   */
  public static ObjectNode add(ArrayNode instances, int id, String label, int prompt, int query,
      float score, float[] xyxy, Rle rle) {
    ObjectNode o = instances.addObject();
    o.put("id", id);
    o.put("label", label);
    o.put("prompt", prompt);
    o.put("query", query);
    o.put("score", (double) score);
    o.putArray("bbox").add(xyxy[0]).add(xyxy[1]).add(xyxy[2] - xyxy[0]).add(xyxy[3] - xyxy[1]);
    o.putArray("box_xyxy").add(xyxy[0]).add(xyxy[1]).add(xyxy[2]).add(xyxy[3]);
    o.put("area", rle.area());
    o.set("segmentation", CocoRle.toJson(rle, true));
    return o;
  }
}
