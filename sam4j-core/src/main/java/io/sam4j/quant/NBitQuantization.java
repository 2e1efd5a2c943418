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
    Outcome o = quantize(settings, name, w, out, in, r);
    errors.add(o.error());
    progress.update(errors.size());
    BlockQuantizer.Quantized q = o.weight();
    return new NBitRewriter(Map.of(name, q)).linear(g, name, x, w, out, in, bias);
  }

  /** A layer's quantized weight and its errors. */
  record Outcome(BlockQuantizer.Quantized weight, LayerError error) {}

  /**
   * Quantizes one layer's weight W [out, in] as {@code settings} say (block: the setting, at most
   * the largest power of two not above {@code in}, at least 16), min-max or calibrated on its
   * input rows {@code r}, and measures both methods' relative output errors on those rows.
   */
  static Outcome quantize(QuantizationSettings settings, String name, float[] w, int out, int in,
      Calibration.Rows r) {
    return quantize(settings, name, w, out, in, r, 0);
  }

  /**
   * As above, the calibrated search run on the rows' Gram matrix damped by {@code damping} times
   * its mean diagonal ({@code X^T X + d I}, a ridge toward plain weight error, as GPTQ damps its
   * Hessian): fewer, more alike rows overfit less. Min-max is kept when the damped choice does
   * worse on the rows themselves, so the result is never worse than min-max on them.
   */
  static Outcome quantize(QuantizationSettings settings, String name, float[] w, int out, int in,
      Calibration.Rows r, double damping) {
    int bits = settings.bits();
    int block = Math.min(settings.blockSize(), Integer.highestOneBit(Math.max(16, in)));
    BlockQuantizer.Quantized mm = BlockQuantizer.minmax(w, out, in, bits, block);
    double mmErr = BlockQuantizer.relativeOutputError(w, mm.dequantize(), out, in, r.data(),
        r.count());
    BlockQuantizer.Quantized q = mm;
    double err = mmErr;
    if (settings.method() == QuantizationSettings.Method.CALIBRATED) {
      double[] gram = BlockQuantizer.gram(r.data(), r.count(), in);
      if (damping > 0) {
        double mean = 0;
        for (int i = 0; i < in; i++) {
          mean += gram[i * in + i] / in;
        }
        for (int i = 0; i < in; i++) {
          gram[i * in + i] += damping * mean;
        }
      }
      BlockQuantizer.Quantized c = BlockQuantizer.calibrated(w, out, in, bits, block, gram);
      double e = BlockQuantizer.relativeOutputError(w, c.dequantize(), out, in, r.data(),
          r.count());
      if (e <= mmErr) {
        q = c;
        err = e;
      }
    }
    return new Outcome(q, new LayerError(name, out, in, mmErr, err));
  }

  @Override
  public Value conv(GraphBuilder g, String name, Value x, float[] w, long[] shape, Value bias,
      int stride, int pad, int groups) {
    return null;
  }
}
