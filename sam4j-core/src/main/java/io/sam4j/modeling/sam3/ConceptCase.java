package io.sam4j.modeling.sam3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named concept prompt in the JSON form of {@code sam4j concept-cases --cases}:
 *
 * <pre>{@code
 * [{"name": "bus", "text": "yellow school bus"},
 *  {"name": "like_this", "boxes": [[0.68, 0.42, 0.39, 0.25]], "box_labels": [true]},
 *  {"name": "not_that", "text": "dog", "boxes": [[0.32, 0.28, 0.17, 0.42]], "box_labels": [false]},
 *  {"name": "here", "text": "dog", "points": [[0.53, 0.48], [0.22, 0.50]],
 *   "point_labels": [true, false]}]
 * }</pre>
 *
 * Boxes are normalised cxcywh, points normalised xy of the photo; labels are JSON booleans (true =
 * positive, the default when labels are left out). A case without text uses the text "visual".
 *
 * @param name a file-name-safe identifier (it names an output directory)
 */
public record ConceptCase(String name, ConceptPrompt prompt) {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  /** Reads and validates a cases file. */
  public static List<ConceptCase> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "cannot read " + file + " as JSON: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    return parse(root, file.getFileName().toString());
  }

  /** Parses the JSON form. */
  public static List<ConceptCase> parse(JsonNode root, String source) {
    if (root == null || !root.isArray()) {
      throw new SamException(SamException.Kind.BAD_INPUT, source + " must hold a JSON array of"
          + " cases ({\"name\", \"text\"?, \"boxes\"?, \"box_labels\"?, \"points\"?,"
          + " \"point_labels\"?})");
    }
    List<ConceptCase> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode c = root.get(i);
      String where = source + " case " + i;
      String name = c.path("name").asText("");
      if (!c.isObject() || !SAFE_NAME.matcher(name).matches() || name.equals(".")
          || name.equals("..")) {
        throw bad(where, "needs a \"name\" of letters, digits, '_', '-' or '.' (it names an"
            + " output directory), got '" + name + "'");
      }
      if (!names.add(name)) {
        throw bad(where, "repeats the name '" + name + "'");
      }
      ConceptPrompt.Builder b = ConceptPrompt.builder();
      if (c.has("text")) {
        if (!c.get("text").isTextual()) {
          throw bad(where, "has a \"text\" that is not a string");
        }
        b.text(c.get("text").asText());
      }
      List<double[]> boxes = coords(c, "boxes", 4, where);
      List<Boolean> boxLabels = labels(c, "box_labels", boxes.size(), where);
      for (int k = 0; k < boxes.size(); k++) {
        double[] x = boxes.get(k);
        b.box(x[0], x[1], x[2], x[3], boxLabels.get(k));
      }
      List<double[]> points = coords(c, "points", 2, where);
      List<Boolean> pointLabels = labels(c, "point_labels", points.size(), where);
      for (int k = 0; k < points.size(); k++) {
        b.point(points.get(k)[0], points.get(k)[1], pointLabels.get(k));
      }
      if (!c.has("text") && boxes.isEmpty() && points.isEmpty()) {
        throw bad(where, "has no \"text\", \"boxes\" or \"points\"");
      }
      out.add(new ConceptCase(name, b.build()));
    }
    return out;
  }

  private static List<double[]> coords(JsonNode c, String key, int n, String where) {
    List<double[]> out = new ArrayList<>();
    JsonNode a = c.path(key);
    if (a.isMissingNode() || a.isNull()) {
      return out;
    }
    if (!a.isArray()) {
      throw bad(where, "has \"" + key + "\" that is not an array of " + n + "-number arrays");
    }
    for (JsonNode e : a) {
      if (!e.isArray() || e.size() != n) {
        throw bad(where, "has an element of \"" + key + "\" that is not " + n + " numbers: " + e);
      }
      double[] v = new double[n];
      for (int j = 0; j < n; j++) {
        if (!e.get(j).isNumber() || !Double.isFinite(e.get(j).asDouble())) {
          throw bad(where, "has a non-numeric or non-finite value in \"" + key + "\": " + e);
        }
        v[j] = e.get(j).asDouble();
      }
      out.add(v);
    }
    return out;
  }

  private static List<Boolean> labels(JsonNode c, String key, int n, String where) {
    List<Boolean> out = new ArrayList<>();
    JsonNode a = c.path(key);
    if (a.isMissingNode() || a.isNull()) {
      for (int i = 0; i < n; i++) {
        out.add(true);
      }
      return out;
    }
    if (!a.isArray() || a.size() != n) {
      throw bad(where, "has \"" + key + "\" that is not an array of " + n + " booleans");
    }
    for (JsonNode e : a) {
      if (!e.isBoolean()) {
        throw bad(where, "has a label that is not true or false in \"" + key + "\": " + e);
      }
      out.add(e.asBoolean());
    }
    return out;
  }

  private static SamException bad(String where, String what) {
    return new SamException(SamException.Kind.BAD_INPUT, where + " " + what);
  }
}
