package io.sam4j.mask;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Masks' polygons as a GeoJSON FeatureCollection, one Feature per mask:
 *
 * <pre>{@code
 * {"type": "FeatureCollection",
 *  "features": [{"type": "Feature",
 *                "properties": {"mask": 0, "area": 4},
 *                "geometry": {"type": "Polygon",
 *                             "coordinates": [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]}}]}
 * }</pre>
 *
 * <p>Coordinates are <b>image pixel coordinates</b>, not longitude and latitude: x to the right,
 * y <b>down</b>, integer pixel corners (pixel (x, y) is the square {@code [x, x + 1] x [y, y +
 * 1]}). Rings are closed. Exterior rings have positive shoelace area, counter-clockwise when read
 * with y up as RFC 7946 asks (clockwise as drawn on the image), holes the opposite.
 *
 * <p>A mask with one polygon gets a {@code Polygon} geometry, any other number a {@code
 * MultiPolygon} (with no coordinates for an empty mask). The properties are the mask's index in
 * the list and its area in square pixels (an integer when it is one, as it is for unsimplified
 * polygons).
 */
public final class GeoJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GeoJson() {}

  /** A FeatureCollection with one Feature for each mask's polygons, in order. */
  public static ObjectNode featureCollection(List<List<Polygon>> masks) {
    ObjectNode root = NODES.objectNode();
    root.put("type", "FeatureCollection");
    ArrayNode features = root.putArray("features");
    for (int i = 0; i < masks.size(); i++) {
      features.add(feature(masks.get(i), i));
    }
    return root;
  }

  /** A Feature for one mask's polygons, with properties {@code mask} (= index) and {@code area}. */
  public static ObjectNode feature(List<Polygon> polygons, int index) {
    ObjectNode feature = NODES.objectNode();
    feature.put("type", "Feature");
    ObjectNode properties = feature.putObject("properties");
    properties.put("mask", index);
    double area = 0;
    for (Polygon p : polygons) {
      area += p.area();
    }
    if (area == Math.rint(area) && Math.abs(area) < 1e15) {
      properties.put("area", (long) area);
    } else {
      properties.put("area", area);
    }
    feature.set("geometry", geometry(polygons));
    return feature;
  }

  /** A Polygon geometry for exactly one polygon, else a MultiPolygon. */
  public static ObjectNode geometry(List<Polygon> polygons) {
    ObjectNode geometry = NODES.objectNode();
    if (polygons.size() == 1) {
      geometry.put("type", "Polygon");
      geometry.set("coordinates", rings(polygons.get(0)));
    } else {
      geometry.put("type", "MultiPolygon");
      ArrayNode coordinates = geometry.putArray("coordinates");
      for (Polygon p : polygons) {
        coordinates.add(rings(p));
      }
    }
    return geometry;
  }

  private static ArrayNode rings(Polygon polygon) {
    ArrayNode rings = NODES.arrayNode(1 + polygon.holes().size());
    rings.add(PolygonJson.ring(polygon.exterior()));
    for (Ring hole : polygon.holes()) {
      rings.add(PolygonJson.ring(hole));
    }
    return rings;
  }
}
