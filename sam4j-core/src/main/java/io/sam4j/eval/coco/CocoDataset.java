package io.sam4j.eval.coco;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.result.Mask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO-format instances file ({@code images}, {@code annotations}, {@code categories}), with the
 * ground-truth masks decoded as pycocotools does ({@code frPyObjects} + {@code merge} +
 * {@code decode}): polygons (several parts are united), compressed RLE ({@code counts} string)
 * and uncompressed RLE ({@code counts} list).
 *
 * @param images the images by id, in file order
 * @param annotations every annotation, in file order
 * @param categories category names by id
 */
public record CocoDataset(Map<Long, CocoImage> images, List<CocoAnnotation> annotations,
    Map<Long, String> categories) {

  public CocoDataset {
    images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
    annotations = List.copyOf(annotations);
    categories = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(categories));
  }

  /** An image entry. */
  public record CocoImage(long id, String fileName, int width, int height) {}

  /**
   * An annotation; {@code segmentation} is kept as parsed JSON and decoded by {@link #mask}.
   *
   * @param bbox XYWH in pixels
   */
  public record CocoAnnotation(long id, long imageId, long categoryId, double[] bbox, double area,
      boolean crowd, JsonNode segmentation) {
    public CocoAnnotation {
      bbox = bbox.clone();
      segmentation = segmentation.deepCopy();
    }

    @Override
    public double[] bbox() {
      return bbox.clone();
    }

    @Override
    public JsonNode segmentation() {
      return segmentation.deepCopy();
    }
  }

  /**
   * Reads an instances file.
   *
   * @throws SamException naming the file and the first malformed entry
   */
  public static CocoDataset read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new SamException(SamException.Kind.IO, "annotation file " + file + " does not exist");
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "annotation file " + file
          + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    String where = "annotation file " + file + ": ";
    if (root == null || !root.isObject() || !root.path("images").isArray()
        || !root.path("annotations").isArray()) {
      throw new SamException(SamException.Kind.BAD_INPUT, where + "a COCO instances file needs"
          + " \"images\" and \"annotations\" arrays");
    }
    Map<Long, CocoImage> images = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode im : root.get("images")) {
      String at = where + "images[" + i++ + "] ";
      long id = requireLong(im, "id", at);
      if (!im.path("file_name").isTextual()) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "has no \"file_name\" string");
      }
      int w = (int) requireLong(im, "width", at);
      int h = (int) requireLong(im, "height", at);
      if (w <= 0 || h <= 0) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "has size " + w + "x" + h);
      }
      images.put(id, new CocoImage(id, im.get("file_name").asText(), w, h));
    }
    List<CocoAnnotation> anns = new ArrayList<>();
    i = 0;
    for (JsonNode a : root.get("annotations")) {
      String at = where + "annotations[" + i++ + "] ";
      long id = requireLong(a, "id", at);
      at = where + "annotation id " + id + " ";
      long imageId = requireLong(a, "image_id", at);
      if (!images.containsKey(imageId)) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "refers to image_id " + imageId
            + ", which is not in \"images\"");
      }
      JsonNode bb = a.path("bbox");
      if (!bb.isArray() || bb.size() != 4 || !allNumbers(bb)) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "needs \"bbox\": [x, y, w, h]");
      }
      double[] bbox = {bb.get(0).asDouble(), bb.get(1).asDouble(), bb.get(2).asDouble(),
          bb.get(3).asDouble()};
      if (!a.has("segmentation")) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "has no \"segmentation\"");
      }
      anns.add(new CocoAnnotation(id, imageId, a.path("category_id").asLong(0), bbox,
          a.path("area").asDouble(0), a.path("iscrowd").asInt(0) != 0, a.get("segmentation")));
    }
    Map<Long, String> cats = new LinkedHashMap<>();
    for (JsonNode c : root.path("categories")) {
      cats.put(c.path("id").asLong(), c.path("name").asText(""));
    }
    return new CocoDataset(images, anns, cats);
  }

  /**
   * The ground-truth mask of an annotation at its image's size.
   *
   * @throws SamException when the segmentation is malformed
   */
  public Mask mask(CocoAnnotation a) {
    CocoImage im = images.get(a.imageId());
    int h = im.height();
    int w = im.width();
    JsonNode seg = a.segmentation();
    String at = "annotation id " + a.id() + ": ";
    if (seg.isArray()) {
      if (seg.isEmpty() || !seg.get(0).isArray()) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "\"segmentation\" must be a list"
            + " of polygons [[x0, y0, x1, y1, ...], ...] or an RLE object");
      }
      boolean bboxes = seg.get(0).size() == 4; // pycocotools frPyObjects reads these as boxes
      if (!bboxes && seg.get(0).size() < 6) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "the first polygon has "
            + seg.get(0).size() + " numbers; a polygon needs at least 3 points (6 numbers)");
      }
      byte[] union = new byte[w * h];
      for (JsonNode part : seg) {
        if (!part.isArray() || !allNumbers(part) || (bboxes && part.size() != 4)) {
          throw new SamException(SamException.Kind.BAD_INPUT, at + "a polygon part is not a flat"
              + " list of numbers");
        }
        double[] xy = new double[part.size()];
        for (int k = 0; k < xy.length; k++) {
          xy[k] = part.get(k).asDouble();
        }
        Rle r = bboxes ? CocoPolygons.fromBbox(xy, h, w) : CocoPolygons.rasterize(xy, h, w);
        byte[] m = r.toMask().toByteArray();
        for (int k = 0; k < m.length; k++) {
          union[k] |= m[k];
        }
      }
      return Mask.fromBytes(union, w, h);
    }
    if (seg.isObject() && seg.has("counts") && seg.path("size").isArray()
        && seg.get("size").size() == 2) {
      int rh = seg.get("size").get(0).asInt();
      int rw = seg.get("size").get(1).asInt();
      if (rh != h || rw != w) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "RLE size [" + rh + ", " + rw
            + "] differs from its image's [" + h + ", " + w + "]");
      }
      JsonNode counts = seg.get("counts");
      try {
        if (counts.isTextual()) {
          return CocoRle.decode(counts.asText(), h, w).toMask();
        }
        if (counts.isArray() && allNumbers(counts)) {
          long[] c = new long[counts.size()];
          for (int k = 0; k < c.length; k++) {
            c[k] = counts.get(k).asLong();
          }
          return Rle.of(h, w, c).toMask();
        }
      } catch (IllegalArgumentException e) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "bad RLE: " + e.getMessage(), e);
      } catch (SamException e) {
        throw new SamException(SamException.Kind.BAD_INPUT, at + "bad RLE: " + e.getMessage(), e);
      }
    }
    throw new SamException(SamException.Kind.BAD_INPUT, at + "\"segmentation\" must be polygons"
        + " or an RLE object {\"size\": [h, w], \"counts\": ...}");
  }

  private static long requireLong(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    if (!v.canConvertToLong() || !v.isNumber()) {
      throw new SamException(SamException.Kind.BAD_INPUT, at + "needs a numeric \"" + field + "\"");
    }
    return v.asLong();
  }

  private static boolean allNumbers(JsonNode arr) {
    for (JsonNode x : arr) {
      if (!x.isNumber()) {
        return false;
      }
    }
    return true;
  }
}
