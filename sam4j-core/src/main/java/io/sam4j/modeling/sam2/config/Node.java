package io.sam4j.modeling.sam2.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A completed config node with its path, read with one clear message per wrong value. */
final class Node {
  final JsonNode json;
  final String path;
  final String config;

  Node(JsonNode json, String path, String config) {
    this.json = json;
    this.path = path;
    this.config = config;
  }

  SamException error(String problem) {
    return new SamException(SamException.Kind.BAD_INPUT, "config " + config + ": " + path + ": "
        + problem);
  }

  /** Checks that this node's {@code _target_} is one of the given classes; returns its class name. */
  String role(String... classes) {
    String target = json.path("_target_").asText("");
    String simple = HydraModelNode.simpleName(target);
    if (!Arrays.asList(classes).contains(simple)) {
      throw error(target.isEmpty() ? "no _target_ (expected one of " + Arrays.toString(classes)
          + ")" : "_target_ " + target + " does not belong here (expected one of "
          + Arrays.toString(classes) + ")");
    }
    return simple;
  }

  Node child(String key) {
    JsonNode c = json.get(key);
    if (c == null || !c.isObject()) {
      throw error("'" + key + "' is missing or not a mapping");
    }
    return new Node(c, path + "." + key, config);
  }

  private JsonNode get(String key) {
    JsonNode v = json.get(key);
    if (v == null || v.isNull()) {
      throw error("'" + key + "' is missing");
    }
    return v;
  }

  boolean isNull(String key) {
    return json.get(key) == null || json.get(key).isNull();
  }

  int i(String key) {
    JsonNode v = get(key);
    if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
      throw error("'" + key + "' must be an integer, not " + v);
    }
    return v.asInt();
  }

  double d(String key) {
    JsonNode v = get(key);
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.asText());
      } catch (NumberFormatException e) {
        throw error("'" + key + "' must be a number, not " + v);
      }
    }
    if (!v.isNumber()) {
      throw error("'" + key + "' must be a number, not " + v);
    }
    return v.asDouble();
  }

  boolean b(String key) {
    JsonNode v = get(key);
    if (!v.isBoolean()) {
      throw error("'" + key + "' must be true or false, not " + v);
    }
    return v.asBoolean();
  }

  String s(String key) {
    JsonNode v = get(key);
    if (!v.isTextual()) {
      throw error("'" + key + "' must be a string, not " + v);
    }
    return v.asText();
  }

  List<Integer> ints(String key) {
    JsonNode v = get(key);
    if (!v.isArray()) {
      throw error("'" + key + "' must be a list of integers, not " + v);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isIntegralNumber()) {
        throw error("'" + key + "' must be a list of integers, not " + v);
      }
      out.add(e.asInt());
    }
    return out;
  }

  List<String> strings(String key) {
    JsonNode v = get(key);
    if (!v.isArray()) {
      throw error("'" + key + "' must be a list of strings, not " + v);
    }
    List<String> out = new ArrayList<>();
    v.forEach(e -> out.add(e.asText()));
    return out;
  }
}
