package io.sam4j.prompt;

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
 * A named prompt set in the JSON form of the fixture manifests' {@code cases}:
 *
 * <pre>{@code
 * [{"name": "one_point", "point_coords": [[500, 375]], "point_labels": [1],
 *   "multimask_output": true},
 *  {"name": "refine", "point_coords": [[510, 380]], "point_labels": [1],
 *   "mask_input_from": "one_point"},
 *  {"name": "box", "box": [425, 600, 700, 875]}]
 * }</pre>
 *
 * {@code mask_input_from} names an earlier case whose highest-IoU mask's low-res logits become this
 * case's mask input. EdgeSAM's predictor options may be given too: {@code num_multimask_outputs}
 * (1, 3 or 4; it must agree with {@code multimask_output} when both are given) and
 * {@code use_stability_score} (see {@link Prompt}).
 *
 * @param name a file-name-safe identifier
 * @param points the points (possibly none)
 * @param box the box, or null
 * @param multimask whether several masks are wanted
 * @param maskInputFrom the earlier case to take the mask input from, or null
 * @param numMultimaskOutputs how many masks: 1, 3 or 4 (more than 1 exactly when multimask)
 * @param useStabilityScore whether the scores are low-res stability scores
 */
public record PromptCase(String name, List<Point> points, Box box, boolean multimask,
    String maskInputFrom, int numMultimaskOutputs, boolean useStabilityScore) {
  public PromptCase {
    points = List.copyOf(points);
    if (numMultimaskOutputs != 1 && numMultimaskOutputs != 3 && numMultimaskOutputs != 4) {
      throw new IllegalArgumentException("num_multimask_outputs must be 1, 3 or 4, got "
          + numMultimaskOutputs);
    }
    if (multimask != (numMultimaskOutputs > 1)) {
      throw new IllegalArgumentException("multimask " + multimask + " contradicts "
          + numMultimaskOutputs + " mask outputs");
    }
  }

  /** A case with SAM's options only: three masks or one, IoU predictions as scores. */
  public PromptCase(String name, List<Point> points, Box box, boolean multimask,
      String maskInputFrom) {
    this(name, points, box, multimask, maskInputFrom, multimask ? 3 : 1, false);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /** Reads a JSON array of cases from a file. */
  public static List<PromptCase> read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "cannot read prompt cases " + file + ": " + e.getMessage(), e);
    }
    return parse(root, file.getFileName().toString());
  }

  /** Parses the JSON form; validates names, coordinates, labels and references. */
  public static List<PromptCase> parse(JsonNode root, String source) {
    if (root == null || !root.isArray()) {
      throw bad(source, "must be a JSON array of cases");
    }
    List<PromptCase> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode c = root.get(i);
      String where = source + " case " + i;
      if (!c.isObject()) {
        throw bad(where, "is not a JSON object");
      }
      String name = c.path("name").asText("");
      if (!SAFE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        throw bad(where, "needs a \"name\" of letters, digits, '_', '-' or '.' (it names an output"
            + " directory), got '" + name + "'");
      }
      if (!names.add(name)) {
        throw bad(where, "repeats the name '" + name + "'");
      }
      String from = c.hasNonNull("mask_input_from") ? c.get("mask_input_from").asText() : null;
      if (from != null && !names.contains(from) || name.equals(from)) {
        throw bad(where, "takes its mask input from '" + from + "', which is not an earlier case");
      }
      out.add(parseCase(c, where, name, from));
    }
    return out;
  }

  private static PromptCase parseCase(JsonNode c, String where, String name, String from) {
    List<Point> points = new ArrayList<>();
    JsonNode pts = c.path("point_coords");
    JsonNode labels = c.path("point_labels");
    try {
      if (!pts.isMissingNode() && !pts.isNull()) {
        if (!pts.isArray() || !labels.isArray() || labels.size() != pts.size()) {
          throw bad(where, "needs \"point_coords\" [[x, y], ...] and as many \"point_labels\"");
        }
        for (int i = 0; i < pts.size(); i++) {
          JsonNode p = pts.get(i);
          if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()
              || !labels.get(i).isNumber()) {
            throw bad(where, "point " + i + " must be [x, y] numbers with a numeric label");
          }
          points.add(new Point(p.get(0).asDouble(), p.get(1).asDouble(),
              Label.of(labels.get(i).asDouble())));
        }
      }
      Box box = null;
      JsonNode b = c.path("box");
      if (!b.isMissingNode() && !b.isNull()) {
        if (!b.isArray() || b.size() != 4) {
          throw bad(where, "\"box\" must be [x0, y0, x1, y1]");
        }
        for (JsonNode v : b) {
          if (!v.isNumber()) {
            throw bad(where, "\"box\" must hold four numbers");
          }
        }
        box = new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(),
            b.get(3).asDouble());
      }
      if (points.isEmpty() && box == null && from == null) {
        throw bad(where, "has no points, box or mask_input_from");
      }
      boolean multimask = c.path("multimask_output").asBoolean(false);
      int outputs = multimask ? 3 : 1;
      JsonNode n = c.path("num_multimask_outputs");
      if (!n.isMissingNode() && !n.isNull()) {
        if (!n.isIntegralNumber() || n.asInt() != 1 && n.asInt() != 3 && n.asInt() != 4) {
          throw bad(where, "\"num_multimask_outputs\" must be 1, 3 or 4, got " + n);
        }
        outputs = n.asInt();
        if (c.hasNonNull("multimask_output") && multimask != outputs > 1) {
          throw bad(where, "\"multimask_output\": " + multimask + " contradicts"
              + " \"num_multimask_outputs\": " + outputs + " (true goes with 3 or 4, false with 1)");
        }
        multimask = outputs > 1;
      }
      JsonNode u = c.path("use_stability_score");
      if (!u.isMissingNode() && !u.isNull() && !u.isBoolean()) {
        throw bad(where, "\"use_stability_score\" must be true or false, got " + u);
      }
      return new PromptCase(name, points, box, multimask, from, outputs, u.asBoolean(false));
    } catch (SamException e) {
      if (e.getMessage().startsWith(where)) {
        throw e;
      }
      throw bad(where, e.getMessage());
    }
  }

  /** The prompt of this case, with the given mask input logits (null when it has none). */
  public Prompt prompt(float[] maskInput) {
    Prompt.Builder b = Prompt.builder();
    points.forEach(b::point);
    if (box != null) {
      b.box(box);
    }
    if (maskInput != null) {
      b.maskInput(maskInput);
    }
    return b.numMultimaskOutputs(numMultimaskOutputs).useStabilityScore(useStabilityScore).build();
  }

  private static SamException bad(String where, String what) {
    return new SamException(SamException.Kind.BAD_PROMPT, where + " " + what);
  }
}
