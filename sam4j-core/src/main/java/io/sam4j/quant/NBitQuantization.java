package io.sam4j.quant;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.LayerRewriter;
import io.sam4j.graph.Value;
import io.sam4j.registry.ProgressListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Quantizes each linear layer's weight as the graph is built ({@link BlockQuantizer}: min-max, or
 * calibrated on the layer's captured input rows) and writes it with {@link NBitRewriter}. Records,
 * per layer, the relative output error of min-max and of the chosen method on the captured rows.
 */
final class NBitQuantization implements LayerRewriter {
  /** One layer's outcome: relative output errors on the captured rows. */
  record LayerError(String name, int out, int in, double minmax, double chosen) {}

  private final QuantizationSettings settings;
  private final Map<String, Calibration.Rows> rows;
  private final ProgressListener progress;
  private final List<LayerError> errors = new ArrayList<>();

  NBitQuantization(QuantizationSettings settings, Map<String, Calibration.Rows> rows,
      ProgressListener progress) {
    this.settings = settings;
    this.rows = rows;
    this.progress = progress;
    progress.begin("quantizing " + rows.size() + " linear layers to " + settings.bits() + " bits ("
        + settings.method().name().toLowerCase(java.util.Locale.ROOT) + ")", 0, rows.size());
  }

  /** The layers' errors, in graph order. */
  List<LayerError> errors() {
    return Collections.unmodifiableList(errors);
  }

  @Override
  public Value linear(GraphBuilder g, String name, Value x, float[] w, int out, int in,
      Value bias) {
    Calibration.Rows r = rows.get(name);
    if (r == null) {
      return null;
    }
    int bits = settings.bits();
    int block = Math.min(settings.blockSize(), Integer.highestOneBit(Math.max(16, in)));
    BlockQuantizer.Quantized mm = BlockQuantizer.minmax(w, out, in, bits, block);
    double mmErr = BlockQuantizer.relativeOutputError(w, mm.dequantize(), out, in, r.data(),
        r.count());
    BlockQuantizer.Quantized q = mm;
    double err = mmErr;
    if (settings.method() == QuantizationSettings.Method.CALIBRATED) {
      q = BlockQuantizer.calibrated(w, out, in, bits, block,
          BlockQuantizer.gram(r.data(), r.count(), in));
      err = BlockQuantizer.relativeOutputError(w, q.dequantize(), out, in, r.data(), r.count());
    }
    errors.add(new LayerError(name, out, in, mmErr, err));
    progress.update(errors.size());
    return new NBitRewriter(Map.of(name, q)).linear(g, name, x, w, out, in, bias);
  }

  @Override
  public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias,
      int stride, int pad, int groups) {
    return null;
  }
}
