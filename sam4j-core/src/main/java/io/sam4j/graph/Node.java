package io.sam4j.graph;

import java.util.List;
import java.util.Map;

/** One graph node, serialized when the model is built (after the outputs have been named). */
record Node(String opType, String domain, List<Value> in, List<String> out,
    List<ProtoMessage> attrs, String nodeName) {
  ProtoMessage proto(Map<String, String> renamed) {
    ProtoMessage n = new ProtoMessage();
    for (Value v : in) {
      n.string(1, v == null ? "" : renamed.getOrDefault(v.name(), v.name()));
    }
    out.forEach(o -> n.string(2, renamed.getOrDefault(o, o)));
    n.string(3, nodeName);
    n.string(4, opType);
    attrs.forEach(a -> n.message(5, a));
    if (!domain.isEmpty()) {
      n.string(7, domain);
    }
    return n;
  }
}
