package io.sam4j.modeling.sam2.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code model} node of a hydra config, checked and completed without instantiating anything:
 * every {@code _target_} must be one of the classes in {@code class-defaults.json} (the modules of
 * SAM 2, EfficientTAM and EdgeTAM that make up a model), its required keys must be present, and the
 * class's constructor defaults are filled in where the config omits a key. The official configs
 * come from {@code official-configs.json}.
 */
final class HydraModelNode {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode CLASSES = resource("class-defaults.json").get("classes");
  private static final JsonNode OFFICIAL = resource("official-configs.json").get("configs");

  private HydraModelNode() {}

  /** Every {@code _target_} name sam4j accepts, sorted. */
  static List<String> knownTargets() {
    List<String> out = new ArrayList<>();
    CLASSES.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Names of the built-in official configs, in a stable order. */
  static List<String> officialNames() {
    List<String> out = new ArrayList<>();
    OFFICIAL.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The official config's {@code model} node (before completion), or null for an unknown name. */
  static ObjectNode official(String name) {
    JsonNode e = OFFICIAL.get(name);
    if (e == null) {
      return null;
    }
    if (e.has("model")) {
      return e.get("model").deepCopy();
    }
    ObjectNode m = official(e.get("base").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = e.get("changes").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      String[] path = c.getKey().split("\\.");
      ObjectNode parent = m;
      for (int i = 0; i < path.length - 1; i++) {
        parent = parent.has(path[i]) ? (ObjectNode) parent.get(path[i]) : parent.putObject(path[i]);
      }
      String key = path[path.length - 1];
      if (c.getValue().path("$delete").asBoolean(false)) {
        parent.remove(key);
      } else {
        parent.set(key, c.getValue().deepCopy());
      }
    }
    return m;
  }

  /** The source file an official config was taken from. */
  static String officialSource(String name) {
    return OFFICIAL.path(name).path("source").asText(null);
  }

  /**
   * A checked, completed copy of {@code model}.
   *
   * @param where the config's name, for messages
   * @throws SamException naming the first unknown {@code _target_} or missing required key
   */
  static ObjectNode complete(JsonNode model, String where) {
    if (model == null || !model.isObject()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config " + where + " has no 'model'"
          + " mapping: a SAM 2-family config holds the model under 'model:' with a '_target_'");
    }
    ObjectNode copy = model.deepCopy();
    completeNode(copy, "model", where);
    return copy;
  }

  private static void completeNode(JsonNode node, String path, String where) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        completeNode(node.get(i), path + "[" + i + "]", where);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    ObjectNode obj = (ObjectNode) node;
    JsonNode target = obj.get("_target_");
    if (target != null) {
      JsonNode cls = CLASSES.get(target.asText());
      if (cls == null) {
        throw new SamException(SamException.Kind.BAD_INPUT, "config " + where + ": unknown"
            + " _target_ '" + target.asText() + "' at " + path + "; sam4j builds models from"
            + " these classes only and never instantiates others: " + String.join(", ",
                new TreeSet<>(knownTargets())));
      }
      for (JsonNode req : cls.get("required")) {
        if (!obj.has(req.asText())) {
          throw new SamException(SamException.Kind.BAD_INPUT, "config " + where + ": " + path
              + " (" + simpleName(target.asText()) + ") lacks the required key '" + req.asText()
              + "'");
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = cls.get("defaults").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> d = it.next();
        if (!obj.has(d.getKey())) {
          obj.set(d.getKey(), d.getValue().deepCopy());
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      completeNode(f.getValue(), path + "." + f.getKey(), where);
    }
  }

  /** {@code sam2.modeling.backbones.hieradet.Hiera} to {@code Hiera}. */
  static String simpleName(String target) {
    return target.substring(target.lastIndexOf('.') + 1);
  }

  private static JsonNode resource(String name) {
    try (InputStream in = HydraModelNode.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the sam4j jar");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
