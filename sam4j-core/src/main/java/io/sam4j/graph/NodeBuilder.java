package io.sam4j.graph;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Builder for one node's attributes and outputs ({@link GraphBuilder#node}). */
public final class NodeBuilder {
  private final GraphBuilder g;
  private final String opType;
  private final List<Value> in;
  private final List<ProtoMessage> attrs = new ArrayList<>();
  private String domain = "";

  NodeBuilder(GraphBuilder g, String opType, Value[] in) {
    this.g = g;
    this.opType = opType;
    this.in = java.util.Arrays.asList(in);
  }

  public NodeBuilder attr(String attrName, long v) {
    attrs.add(new ProtoMessage().string(1, attrName).varint(3, v).varint(20, 2));
    return this;
  }

  public NodeBuilder attr(String attrName, float v) {
    attrs.add(new ProtoMessage().string(1, attrName).fixed32(2, v).varint(20, 1));
    return this;
  }

  public NodeBuilder attr(String attrName, String v) {
    attrs.add(new ProtoMessage().string(1, attrName)
        .bytes(4, ByteBuffer.wrap(v.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .varint(20, 3));
    return this;
  }

  public NodeBuilder attrInts(String attrName, long... v) {
    ProtoMessage a = new ProtoMessage().string(1, attrName);
    for (long x : v) {
      a.varint(8, x);
    }
    attrs.add(a.varint(20, 7));
    return this;
  }

  public NodeBuilder attrFloats(String attrName, float... v) {
    ProtoMessage a = new ProtoMessage().string(1, attrName);
    for (float x : v) {
      a.fixed32(7, x);
    }
    attrs.add(a.varint(20, 6));
    return this;
  }

  /** Puts the node in a non-default operator domain such as {@code com.microsoft}. */
  public NodeBuilder domain(String d) {
    domain = d;
    if (d.equals("com.microsoft")) {
      g.useMicrosoftDomain();
    }
    return this;
  }

  /** Adds the node with one output. */
  public Value out() {
    return outs(1)[0];
  }

  /** Adds the node with {@code n} outputs. */
  public Value[] outs(int n) {
    return g.addNode(opType, domain, in, attrs, n);
  }
}
