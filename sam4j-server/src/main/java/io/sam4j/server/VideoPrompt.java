package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import java.util.ArrayList;
import java.util.List;

/**
 * A video prompt's JSON, {@code {"points": [[x, y], ...], "labels": [1, 0, ...], "box": [x0, y0,
 * x1, y1], "clear_old_points": true}} in video pixels, checked to lie inside the frame.
 */
record VideoPrompt(List<Point> points, Box box, boolean clearOld) {
  static VideoPrompt parse(JsonNode body, int width, int height) {
    JsonNode pts = body.get("points");
    JsonNode labels = body.get("labels");
    List<Point> points = new ArrayList<>();
    if (pts != null && !pts.isNull()) {
      if (!pts.isArray() || labels == null || !labels.isArray()
          || labels.size() != pts.size()) {
        throw ApiException.badRequest("\"points\" must be an array of [x, y] with a"
            + " \"labels\" array of the same length (1 object, 0 background)");
      }
      for (int i = 0; i < pts.size(); i++) {
        double[] xy = numbers(pts.get(i), 2, "point " + i);
        inside(xy[0], xy[1], width, height, "point " + i);
        int l = labels.get(i).isIntegralNumber() ? labels.get(i).asInt() : -9;
        if (l != 0 && l != 1) {
          throw ApiException.badRequest("label " + i + " is " + labels.get(i) + "; labels are 1"
              + " (on the object) or 0 (background)");
        }
        points.add(new Point(xy[0], xy[1], l == 1 ? Label.FOREGROUND : Label.BACKGROUND));
      }
    }
    Box box = null;
    if (body.hasNonNull("box")) {
      double[] b = numbers(body.get("box"), 4, "box");
      inside(b[0], b[1], width, height, "box corner (x0, y0)");
      inside(b[2], b[3], width, height, "box corner (x1, y1)");
      if (b[2] < b[0] || b[3] < b[1]) {
        throw ApiException.badRequest("box must be [x0, y0, x1, y1] with x0 <= x1, y0 <= y1");
      }
      box = new Box(b[0], b[1], b[2], b[3]);
    }
    if (points.isEmpty() && box == null) {
      throw ApiException.badRequest("give \"points\" with \"labels\", or a \"box\"");
    }
    return new VideoPrompt(points, box, body.path("clear_old_points").asBoolean(true));
  }

  private static double[] numbers(JsonNode n, int count, String what) {
    if (n == null || !n.isArray() || n.size() != count) {
      throw ApiException.badRequest(what + " must be an array of " + count + " numbers");
    }
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      if (!n.get(i).isNumber() || !Double.isFinite(n.get(i).asDouble())) {
        throw ApiException.badRequest(what + " holds " + n.get(i) + ", not a number");
      }
      out[i] = n.get(i).asDouble();
    }
    return out;
  }

  private static void inside(double x, double y, int w, int h, String what) {
    if (x < 0 || y < 0 || x > w || y > h) {
      throw ApiException.badRequest(what + " (" + x + ", " + y + ") is outside the " + w + "x"
          + h + " frame");
    }
  }
}
