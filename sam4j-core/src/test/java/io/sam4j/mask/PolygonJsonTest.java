package io.sam4j.mask;

import static io.sam4j.mask.MaskPolygonsTest.ring;
import static io.sam4j.mask.TestMasks.mask;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sam4j.result.Mask;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON and GeoJSON forms, written out by hand from the rings the tracing tests check. */
class PolygonJsonTest {
  private static final Mask HOLE = mask(new int[][] {{1, 1, 1}, {1, 0, 1}, {1, 1, 1}});
  private static final Mask TWO = mask(new int[][] {
    {1, 1, 0, 0, 0},
    {0, 0, 0, 1, 0},
    {0, 0, 0, 1, 1}});

  @Test
  void plainJson() {
    assertEquals("{\"width\":3,\"height\":3,\"polygons\":[{"
        + "\"exterior\":[[0,0],[3,0],[3,3],[0,3],[0,0]],"
        + "\"holes\":[[[1,1],[1,2],[2,2],[2,1],[1,1]]]}]}",
        PolygonJson.toJson(3, 3, MaskPolygons.trace(HOLE)).toString());
    assertEquals("{\"width\":3,\"height\":2,\"polygons\":[]}",
        PolygonJson.toJson(3, 2, List.of()).toString());
  }

  @Test
  void geoJsonHasAPolygonOrAMultiPolygonPerMask() {
    String expected = "{\"type\":\"FeatureCollection\",\"features\":["
        + "{\"type\":\"Feature\",\"properties\":{\"mask\":0,\"area\":8},"
        + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        + "[[[0,0],[3,0],[3,3],[0,3],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]}},"
        + "{\"type\":\"Feature\",\"properties\":{\"mask\":1,\"area\":5},"
        + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
        + "[[[[0,0],[2,0],[2,1],[0,1],[0,0]]],[[[3,1],[4,1],[4,2],[5,2],[5,3],[3,3],[3,1]]]]}},"
        + "{\"type\":\"Feature\",\"properties\":{\"mask\":2,\"area\":0},"
        + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[]}}]}";
    assertEquals(expected, GeoJson.featureCollection(List.of(MaskPolygons.trace(HOLE),
        MaskPolygons.trace(TWO), MaskPolygons.trace(Mask.fromBytes(new byte[4], 2, 2))))
        .toString());
  }

  @Test
  void aFractionalAreaStaysFractional() {
    // the single pixel simplified with tolerance 1 is the triangle (0,0) (1,0) (1,1): area 1/2
    Polygon triangle = new Polygon(ring(0, 0, 1, 0, 1, 1), List.of());
    assertEquals("{\"type\":\"Feature\",\"properties\":{\"mask\":4,\"area\":0.5},"
        + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}",
        GeoJson.feature(List.of(triangle), 4).toString());
  }
}
