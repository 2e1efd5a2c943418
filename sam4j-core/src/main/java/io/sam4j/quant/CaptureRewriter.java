package io.sam4j.quant;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.NodeBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps every layer float32 but exposes, as extra graph outputs, each linear layer's input, each
 * convolution's input and output and each GELU's input: what calibration measures. Remembers the linear layers' shapes.
 */
final class CaptureRewriter implements LayerRewriter {
  /** A linear layer seen while building: name, [out, in]. */
  record LinearLayer(String name, int out, int in) {}

  private final Map<String, LinearLayer> linears = new LinkedHashMap<>();
  private final List<String> taps = new ArrayList<>();
  private int gelus;
  /** Convolutions' output values by name: their taps. */
  private final Map<String, String> convOutputs = new HashMap<>();
  private final Set<String> geluInputs = new HashSet<>();

  /** The tap of a layer's input. */
  static String inputTap(String layer) {
    return "calib_in:" + layer;
  }

  /** The tap of the input of the {@code index}-th GELU built (from 0, in graph order). */
  static String geluTap(int index) {
    return "calib_in:gelu#" + index;
  }

  /** The tap of a convolution's output. */
  static String outputTap(String layer) {
    return "calib_out:" + layer;
  }

  /** The linear layers in graph order. */
  Map<String, LinearLayer> linears() {
    return Collections.unmodifiableMap(linears);
  }

  /** The taps whose values are a GELU's input (the GELUs' own, and convolutions' outputs). */
  Set<String> geluInputs() {
    return Collections.unmodifiableSet(geluInputs);
  }

  /** Every tap's output name, in graph order. */
  List<String> taps() {
    return Collections.unmodifiableList(taps);
  }

  @Override
  public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
      Value bias) {
    if (linears.put(name, new LinearLayer(name, out, in)) != null) {
      throw new IllegalStateException("linear layer " + name + " is built twice");
    }
    tap(g, inputTap(name), x);
    return null;
  }

  @Override
  public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias,
      int stride, int pad, int groups) {
    tap(g, inputTap(name), x);
    int k = (int) shape[2];
    Value wv = new Value(name);
    NodeBuilder n = bias == null ? g.node("Conv", x, wv) : g.node("Conv", x, wv, bias);
    Value y = n.attrInts("kernel_shape", (long) k, k).attrInts("strides", (long) stride, stride)
        .attrInts("pads", (long) pad, pad, pad, pad).attr("group", (long) groups).out();
    tap(g, outputTap(name), y);
    convOutputs.put(y.name(), outputTap(name));
    return y;
  }

  @Override
  public Value gelu(GraphBuilder g, Value x) {
    String tap = geluTap(gelus++);
    tap(g, tap, x);
    geluInputs.add(tap);
    if (convOutputs.containsKey(x.name())) {
      geluInputs.add(convOutputs.get(x.name()));
    }
    return null;
  }

  private void tap(GraphBuilder g, String tap, Value v) {
    g.output(tap, v);
    taps.add(tap);
  }
}
