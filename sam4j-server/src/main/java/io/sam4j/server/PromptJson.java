package io.sam4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.prompt.Prompt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the prompt objects of {@code POST /v1/images/{id}/predict}: {@code {"points": [[x, y], ...],
 * "labels": [1, 0, ...], "box": [x0, y0, x1, y1], "multimask": bool, "mask_input": base64}}, every
 * member optional but one of points, box and mask_input. Coordinates are original-image pixels and
 * must lie inside the image; {@code mask_input} is a previous answer's {@code logits} (256x256
 * float32, little-endian, base64).
 */
final class PromptJson {
  private PromptJson() {}

  /** The prompt an object describes, checked against an image of {@code width x height}. */
  static Prompt parse(JsonNode o, String where, int width, int height, int lowResSide) {
    if (o == null || !o.isObject()) {
      throw ApiException.badRequest(where + " must be a JSON object");
    }
    for (var it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!List.of("points", "labels", "box", "multimask", "mask_input").contains(f)) {
        throw ApiException.badRequest(where + " has an unknown member \"" + f + "\" (known: points,"
            + " labels, box, multimask, mask_input)");
      }
    }
    Prompt.Builder b = Prompt.builder();
    try {
      for (Point p : points(o, where, width, height)) {
        b.point(p);
      }
      JsonNode box = o.get("box");
      if (box != null && !box.isNull()) {
        double[] v = numbers(box, 4, where + " \"box\" must be [x0, y0, x1, y1]");
        for (int i = 0; i < 4; i++) {
          inside(v[i], i % 2 == 0 ? width : height, where + " \"box\"");
        }
        b.box(new Box(v[0], v[1], v[2], v[3]));
      }
      JsonNode mi = o.get("mask_input");
      if (mi != null && !mi.isNull()) {
        b.maskInput(logits(mi, where, lowResSide));
      }
      JsonNode mm = o.get("multimask");
      if (mm != null && !mm.isNull() && !mm.isBoolean()) {
        throw ApiException.badRequest(where + " \"multimask\" must be true or false");
      }
      return b.multimask(mm != null && mm.asBoolean()).build();
    } catch (SamException e) {
      throw ApiException.badRequest(where + ": " + e.getMessage());
    }
  }

  private static List<Point> points(JsonNode o, String where, int width, int height) {
    JsonNode pts = o.get("points");
    JsonNode labels = o.get("labels");
    List<Point> out = new ArrayList<>();
    if (pts == null || pts.isNull()) {
      if (labels != null && !labels.isNull() && labels.size() > 0) {
        throw ApiException.badRequest(where + " has \"labels\" but no \"points\"");
      }
      return out;
    }
    if (!pts.isArray() || labels == null || !labels.isArray() || labels.size() != pts.size()) {
      throw ApiException.badRequest(where + " needs \"points\" [[x, y], ...] and as many"
          + " \"labels\" (1 = on the object, 0 = not on it)");
    }
    for (int i = 0; i < pts.size(); i++) {
      double[] xy = numbers(pts.get(i), 2, where + " point " + i + " must be [x, y] numbers");
      inside(xy[0], width, where + " point " + i + " x");
      inside(xy[1], height, where + " point " + i + " y");
      JsonNode l = labels.get(i);
      if (!l.isNumber()) {
        throw ApiException.badRequest(where + " label " + i + " must be a number (1, 0 or -1)");
      }
      out.add(new Point(xy[0], xy[1], Label.of(l.asDouble())));
    }
    return out;
  }

  private static double[] numbers(JsonNode a, int n, String message) {
    if (a == null || !a.isArray() || a.size() != n) {
      throw ApiException.badRequest(message);
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      if (!a.get(i).isNumber()) {
        throw ApiException.badRequest(message);
      }
      v[i] = a.get(i).asDouble();
    }
    return v;
  }

  private static void inside(double v, int limit, String what) {
    if (!(v >= 0 && v <= limit)) {
      throw ApiException.badRequest(what + " = " + v + " is outside the image (0.." + limit + ")");
    }
  }

  private static float[] logits(JsonNode mi, String where, int side) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(mi.asText());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(where + " \"mask_input\" is not base64: " + e.getMessage());
    }
    if (!mi.isTextual() || bytes.length != 4 * side * side) {
      throw ApiException.badRequest(where + " \"mask_input\" must be a previous answer's \"logits\""
          + " (" + side + "x" + side + " float32 as base64, " + 4 * side * side + " bytes), got "
          + bytes.length + " bytes");
    }
    float[] out = new float[side * side];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** Encodes low-resolution logits as {@code mask_input} takes them back. */
  static String encodeLogits(float[] logits) {
    ByteBuffer buf = ByteBuffer.allocate(4 * logits.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(logits);
    return Base64.getEncoder().encodeToString(buf.array());
  }
}
