package io.sam4j.modeling.sam3;

import io.sam4j.checkpoint.StateDict;

/**
 * {@code vitdet.Block.forward} for one image written out in double precision with plain loops,
 * as a check of the graphs: tokens [G, G, C] row-major in and out. Windowed blocks pad the normed
 * grid with zeros at the bottom and right to a multiple of the window, attend within row-major
 * windows (RoPE over the window grid at scale 1), and crop; global blocks attend over the grid
 * (RoPE at {@code scale_pos = window / G}). The RoPE angles are computed here from the definition
 * ({@code compute_axial_cis}), not read from the checkpoint.
 */
final class VitBlockReference {
  private final StateDict sd;
  private final Sam3Spec.Vit v;
  private final String b;
  private final boolean windowed;

  VitBlockReference(StateDict sd, Sam3Spec.Vit v, int index) {
    this.sd = sd;
    this.v = v;
    this.b = Sam3Detector.TRUNK + "blocks." + index + ".";
    this.windowed = v.windowed(index);
  }

  /**
   * The block's output.
   *
   * @param maskPadding leave the padded tokens out of the attention (a wrong variant, to show the
   *     check sees the padding)
   */
  double[] forward(float[] x, boolean maskPadding) {
    int g = v.gridSize();
    int c = v.embedDim();
    int w = windowed ? v.windowSize() : g;
    int p = (g + w - 1) / w * w;
    double[] h = new double[p * p * c]; // normed, zero-padded
    for (int y = 0; y < g; y++) {
      for (int xx = 0; xx < g; xx++) {
        int t = y * g + xx;
        double[] n = layerNorm(slice(x, t * c, c), "norm1");
        System.arraycopy(n, 0, h, (y * p + xx) * c, c);
      }
    }
    double[] out = new double[g * g * c];
    for (int wy = 0; wy < p / w; wy++) {
      for (int wx = 0; wx < p / w; wx++) {
        double[][] tokens = new double[w * w][];
        boolean[] real = new boolean[w * w];
        for (int t = 0; t < w * w; t++) {
          int y = wy * w + t / w;
          int xx = wx * w + t % w;
          tokens[t] = java.util.Arrays.copyOfRange(h, (y * p + xx) * c, (y * p + xx + 1) * c);
          real[t] = y < g && xx < g;
        }
        double[][] o = attention(tokens, maskPadding ? real : null, w);
        for (int t = 0; t < w * w; t++) {
          int y = wy * w + t / w;
          int xx = wx * w + t % w;
          if (y < g && xx < g) {
            System.arraycopy(o[t], 0, out, (y * g + xx) * c, c);
          }
        }
      }
    }
    for (int t = 0; t < g * g; t++) {
      double[] r = new double[c];
      for (int i = 0; i < c; i++) {
        r[i] = x[t * c + i] + out[t * c + i];
      }
      double[] m = linear("mlp.fc2", gelu(linear("mlp.fc1", layerNorm(r, "norm2"))));
      for (int i = 0; i < c; i++) {
        out[t * c + i] = r[i] + m[i];
      }
    }
    return out;
  }

  /** {@code Attention.forward} on one window's (or the grid's) side x side tokens, with proj. */
  private double[][] attention(double[][] tokens, boolean[] keep, int side) {
    int c = v.embedDim();
    int heads = v.numHeads();
    int hd = v.headDim();
    int n = tokens.length;
    double[][] q = new double[n][];
    double[][] k = new double[n][];
    double[][] val = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] qkv = linear("attn.qkv", tokens[t]);
      q[t] = rope(java.util.Arrays.copyOfRange(qkv, 0, c), t, side);
      k[t] = rope(java.util.Arrays.copyOfRange(qkv, c, 2 * c), t, side);
      val[t] = java.util.Arrays.copyOfRange(qkv, 2 * c, 3 * c);
    }
    double[][] out = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] o = new double[c];
      for (int hh = 0; hh < heads; hh++) {
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < n; u++) {
          if (keep != null && !keep[u]) {
            s[u] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double dot = 0;
          for (int i = 0; i < hd; i++) {
            dot += q[t][hh * hd + i] * k[u][hh * hd + i];
          }
          s[u] = dot / Math.sqrt(hd);
          max = Math.max(max, s[u]);
        }
        double sum = 0;
        for (int u = 0; u < n; u++) {
          s[u] = Math.exp(s[u] - max);
          sum += s[u];
        }
        for (int u = 0; u < n; u++) {
          for (int i = 0; i < hd; i++) {
            o[hh * hd + i] += s[u] / sum * val[u][hh * hd + i];
          }
        }
      }
      out[t] = linear("attn.proj", o);
    }
    return out;
  }

  /** Each head's channel pairs (2i, 2i+1) times {@code exp(i angle)} of token t. */
  private double[] rope(double[] x, int t, int side) {
    int hd = v.headDim();
    int quarter = hd / 4;
    int pt = v.ropePtSize() > 0 ? v.ropePtSize() : v.windowSize();
    double scale = v.useInterpRope() ? (double) pt / side : 1.0;
    double px = (t % side) * scale;
    double py = (t / side) * scale;
    double[] out = new double[x.length];
    for (int h0 = 0; h0 < x.length; h0 += hd) {
      for (int j = 0; j < hd / 2; j++) {
        double freq = Math.pow(v.ropeTheta(), -4.0 * (j % quarter) / hd);
        double angle = (j < quarter ? px : py) * freq;
        double a = x[h0 + 2 * j];
        double bb = x[h0 + 2 * j + 1];
        out[h0 + 2 * j] = a * Math.cos(angle) - bb * Math.sin(angle);
        out[h0 + 2 * j + 1] = a * Math.sin(angle) + bb * Math.cos(angle);
      }
    }
    return out;
  }

  private double[] layerNorm(double[] x, String name) {
    float[] w = sd.get(b + name + ".weight").toFloatArray();
    float[] bias = sd.get(b + name + ".bias").toFloatArray();
    double mean = 0;
    for (double d : x) {
      mean += d;
    }
    mean /= x.length;
    double var = 0;
    for (double d : x) {
      var += (d - mean) * (d - mean);
    }
    var /= x.length;
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] - mean) / Math.sqrt(var + v.layerNormEps()) * w[i] + bias[i];
    }
    return out;
  }

  private double[] linear(String name, double[] x) {
    float[] w = sd.get(b + name + ".weight").toFloatArray();
    float[] bias = sd.get(b + name + ".bias").toFloatArray();
    double[] out = new double[bias.length];
    for (int o = 0; o < out.length; o++) {
      double s = bias[o];
      for (int i = 0; i < x.length; i++) {
        s += w[o * x.length + i] * x[i];
      }
      out[o] = s;
    }
    return out;
  }

  /** Exact GELU, {@code x / 2 (1 + erf(x / sqrt 2))}. */
  private static double[] gelu(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
    }
    return out;
  }

  /** erf to about 1e-14: its Taylor series up to |z| = 3, beyond it erfc's continued fraction. */
  static double erf(double z) {
    double a = Math.abs(z);
    if (a > 3) {
      double t = a;
      for (int k = 80; k >= 1; k--) {
        t = a + k / 2.0 / t;
      }
      return Math.signum(z) * (1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * t));
    }
    double term = z;
    double sum = z;
    for (int n = 1; n < 200 && Math.abs(term) > 1e-18; n++) {
      term *= -z * z / n;
      sum += term / (2 * n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  private static double[] slice(float[] a, int from, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[from + i];
    }
    return d;
  }
}
