package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.result.Mask;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/images/{id}/export}: a whole image's objects ({@code {"objects": [{"name",
 * "rle"}]}}) as COCO JSON (one category per distinct name) or as a PNG of labels (16-bit
 * grayscale, object {@code i} has value {@code i + 1}, later objects drawn over earlier ones).
 */
final class CocoExport {
  private CocoExport() {}

  record Item(String name, Rle rle) {}

  static List<Item> objects(JsonNode body, int width, int height) {
    JsonNode objs = body.get("objects");
    if (objs == null || !objs.isArray()) {
      throw ApiException.badRequest("export needs {\"objects\": [{\"name\": ..., \"rle\": {\"size\","
          + " \"counts\"}}, ...], \"format\": \"coco\" | \"png\"}");
    }
    List<Item> out = new ArrayList<>();
    for (int i = 0; i < objs.size(); i++) {
      JsonNode o = objs.get(i);
      Rle rle;
      try {
        rle = CocoRle.fromJson(o.get("rle"));
      } catch (SamException e) {
        throw ApiException.badRequest("object " + i + ": " + e.getMessage());
      }
      if (rle.height() != height || rle.width() != width) {
        throw ApiException.badRequest("object " + i + " has an RLE of size [" + rle.height() + ", "
            + rle.width() + "] but the image is [" + height + ", " + width + "]");
      }
      String name = o.path("name").asText("object " + (i + 1));
      out.add(new Item(name.isBlank() ? "object " + (i + 1) : name, rle));
    }
    return out;
  }

  static ObjectNode coco(String imageId, int width, int height, List<Item> items) {
    ObjectNode root = Http.JSON.createObjectNode();
    root.putArray("images").addObject().put("id", 1).put("width", width).put("height", height)
        .put("file_name", imageId);
    Map<String, Integer> categories = new LinkedHashMap<>();
    ArrayNode anns = root.putArray("annotations");
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      int cat = categories.computeIfAbsent(it.name(), k -> categories.size() + 1);
      ObjectNode a = anns.addObject();
      a.put("id", i + 1).put("image_id", 1).put("category_id", cat);
      a.set("segmentation", CocoRle.toJson(it.rle(), true));
      a.put("area", it.rle().area());
      ArrayNode bbox = a.putArray("bbox");
      for (int v : it.rle().bbox()) {
        bbox.add(v);
      }
      a.put("iscrowd", 0);
    }
    ArrayNode cats = root.putArray("categories");
    categories.forEach((name, id) -> cats.addObject().put("id", id).put("name", name));
    return root;
  }

  static ObjectNode labelPng(int width, int height, List<Item> items) {
    if (items.size() > 65535) {
      throw ApiException.badRequest("a label PNG holds at most 65535 objects");
    }
    BufferedImage b = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
    short[] data = ((DataBufferUShort) b.getRaster().getDataBuffer()).getData();
    ObjectNode root = Http.JSON.createObjectNode();
    ArrayNode labels = root.putArray("labels");
    for (int i = 0; i < items.size(); i++) {
      Mask m = items.get(i).rle().toMask();
      byte[] bits = m.toByteArray();
      for (int p = 0; p < bits.length; p++) {
        if (bits[p] != 0) {
          data[p] = (short) (i + 1);
        }
      }
      labels.addObject().put("value", i + 1).put("name", items.get(i).name());
    }
    root.put("png", Base64.getEncoder().encodeToString(MaskJson.png(b)));
    return root;
  }
}
