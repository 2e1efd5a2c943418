package io.sam4j.modeling.nn;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;

/**
 * SAM 2's axial rotary position encoding ({@code compute_axial_cis}, {@code apply_rotary_enc}):
 * channel pairs {@code (2j, 2j+1)} of a head are complex numbers multiplied by
 * {@code e^(i angle)}; for a token at grid position {@code (x, y)} (token {@code t = y * endX + x})
 * the angle of pair {@code j < d/4} is {@code x * f_j}, of pair {@code j >= d/4} it is
 * {@code y * f_(j - d/4)}, with {@code f_j = 1 / theta^(4j / d)}. Tables are float32 as PyTorch
 * computes them ({@code torch.outer} then {@code torch.polar}).
 *
 * <p>A key sequence is laid out with {@link Tables}: rotated grids and unrotated tokens (object
 * pointers, EdgeTAM's global latents) in any order.
 */
public final class AxialRotary {
  private AxialRotary() {}

  /** cos and sin tables [tokens, d/2], row-major, built segment by segment. */
  public static final class Tables {
    private final int halfDim;
    private final double theta;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int tokens;

    /** Tables for heads of width {@code headDim} (a multiple of 4). */
    public Tables(int headDim, double theta) {
      if (headDim % 4 != 0) {
        throw new IllegalArgumentException("rotary encoding needs a head width divisible by 4, got "
            + headDim);
      }
      this.halfDim = headDim / 2;
      this.theta = theta;
    }

    /** Appends the {@code endX * endY} tokens of a grid, row-major. */
    public Tables grid(int endX, int endY) {
      int quarter = halfDim / 2;
      float[] freqs = new float[quarter];
      for (int j = 0; j < quarter; j++) {
        float exponent = (float) (4 * j) / (2 * halfDim);
        freqs[j] = 1f / (float) Math.pow(theta, exponent);
      }
      int n = endX * endY;
      int base = grow(n);
      for (int t = 0; t < n; t++) {
        float x = t % endX;
        float y = t / endX;
        for (int j = 0; j < halfDim; j++) {
          float angle = j < quarter ? x * freqs[j] : y * freqs[j - quarter];
          cos[(base + t) * halfDim + j] = (float) Math.cos(angle);
          sin[(base + t) * halfDim + j] = (float) Math.sin(angle);
        }
      }
      return this;
    }

    /** Appends {@code n} tokens left unrotated. */
    public Tables identity(int n) {
      int base = grow(n);
      for (int i = base * halfDim; i < (base + n) * halfDim; i++) {
        cos[i] = 1f;
      }
      return this;
    }

    /** The number of tokens laid out so far. */
    public int tokens() {
      return tokens;
    }

    private int grow(int n) {
      int base = tokens;
      tokens += n;
      cos = java.util.Arrays.copyOf(cos, tokens * halfDim);
      sin = java.util.Arrays.copyOf(sin, tokens * halfDim);
      return base;
    }

    /**
     * Rotates {@code x} [..., n * tokens, d] by these tables, repeated {@code n} times along the
     * token axis ({@code n} may be a dynamic dimension; 1 when x has exactly these tokens). The
     * tables are constants of the graph named after {@code name}.
     */
    public Value rotate(GraphBuilder g, String name, Value x) {
      Value c = g.weight(name + ".cos", cos.clone(), tokens, halfDim, 1);
      Value s = g.weight(name + ".sin", sin.clone(), tokens, halfDim, 1);
      Value pairs = g.op("Reshape", x, g.ints(-1, tokens, halfDim, 2));
      Value[] ri = g.node("Split", pairs, g.ints(1, 1)).attr("axis", -1L).outs(2);
      Value re = g.op("Sub", g.op("Mul", ri[0], c), g.op("Mul", ri[1], s));
      Value im = g.op("Add", g.op("Mul", ri[0], s), g.op("Mul", ri[1], c));
      Value joined = g.node("Concat", re, im).attr("axis", -1L).out();
      return g.op("Reshape", joined, g.op("Shape", x));
    }
  }
}
