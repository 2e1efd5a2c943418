package io.sam4j.mask;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A mask's polygons as plain JSON:
 *
 * <pre>{@code
 * {"width": 4, "height": 3,
 *  "polygons": [{"exterior": [[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]],
 *                "holes": [[[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]]}]}
 * }</pre>
 *
 * (a 3x3 square with its middle pixel unset). {@code width} and {@code height} are the mask's size in
 * pixels. Each ring is a closed list of
 * {@code [x, y]} integer pixel-corner coordinates, y down, first vertex repeated last; exteriors
 * have positive and holes negative shoelace area (the conventions of {@link Ring} and {@link
 * MaskPolygons}).
 */
public final class PolygonJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PolygonJson() {}

  /**
   * The JSON object above for polygons traced from a {@code width x height} mask. Write it with
   * {@code node.toString()} (compact) or a Jackson writer.
   */
  public static ObjectNode toJson(int width, int height, List<Polygon> polygons) {
    ObjectNode root = NODES.objectNode();
    root.put("width", width);
    root.put("height", height);
    ArrayNode list = root.putArray("polygons");
    for (Polygon p : polygons) {
      ObjectNode node = list.addObject();
      node.set("exterior", ring(p.exterior()));
      ArrayNode holes = node.putArray("holes");
      for (Ring hole : p.holes()) {
        holes.add(ring(hole));
      }
    }
    return root;
  }

  /** A ring as a closed JSON array of {@code [x, y]} pairs. */
  static ArrayNode ring(Ring ring) {
    ArrayNode out = NODES.arrayNode(ring.size() + 1);
    for (int i = 0; i <= ring.size(); i++) {
      int v = i % ring.size();
      out.addArray().add(ring.x(v)).add(ring.y(v));
    }
    return out;
  }
}
