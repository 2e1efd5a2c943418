package io.sam4j.modeling.sam3.backbone;

import io.sam4j.SamException;
import io.sam4j.checkpoint.DType;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import java.util.Arrays;

/**
 * The ViT's 2-D axial rotary position encoding ({@code vitdet.compute_axial_cis} and
 * {@code apply_rotary_enc}) in real arithmetic. The reference views q and k channels
 * {@code (2i, 2i+1)} as one complex number and multiplies it by {@code freqs_cis[t, i]}, a unit
 * complex {@code cos + i sin}; here that is
 * {@code (a cos - b sin, a sin + b cos)} on the channel pairs. The table of token t (x = t % W,
 * y = t / W, both times {@code scale_pos}) holds {@code headDim / 4} frequencies
 * {@code theta^(-4j / headDim)} of x, then as many of y.
 */
public final class AxialRope {
  /** cos and sin of the table, each [N, headDim / 2] row-major. */
  private final float[] cos;
  private final float[] sin;
  private final int tokens;
  private final int pairs;

  private AxialRope(float[] cos, float[] sin, int tokens, int pairs) {
    this.cos = cos;
    this.sin = sin;
    this.tokens = tokens;
    this.pairs = pairs;
  }

  /**
   * The table a block stores ({@code attn.freqs_cis}, complex64 [N, headDim / 2]), or computed
   * from the spec when the checkpoint has none.
   */
  public static AxialRope of(StateDict sd, String key, int headDim, int side, double theta,
      double scalePos) {
    if (!sd.has(key)) {
      return compute(headDim, side, side, theta, scalePos);
    }
    Tensor t = sd.get(key);
    if (t.dtype() != DType.COMPLEX64 || t.rank() != 2 || t.dim(0) != side * side
        || t.dim(1) != headDim / 2) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "'" + key + "' is "
          + t.dtype() + " " + Arrays.toString(t.shape()) + "; complex64 [" + side * side + ", "
          + headDim / 2 + "] expected");
    }
    float[] ri = t.toFloatArray();
    int n = t.dim(0) * t.dim(1);
    float[] c = new float[n];
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      c[i] = ri[2 * i];
      s[i] = ri[2 * i + 1];
    }
    return new AxialRope(c, s, t.dim(0), t.dim(1));
  }

  /**
   * {@code compute_axial_cis(dim, end_x, end_y, theta, scale_pos)} in float32 as the reference.
   */
  public static AxialRope compute(int headDim, int endX, int endY, double theta, double scalePos) {
    int quarter = headDim / 4;
    float[] freqs = new float[quarter];
    for (int j = 0; j < quarter; j++) {
      float exponent = (float) (4 * j) / headDim;
      freqs[j] = 1f / (float) Math.pow((float) theta, exponent);
    }
    int n = endX * endY;
    int pairs = 2 * quarter;
    float[] c = new float[n * pairs];
    float[] s = new float[n * pairs];
    for (int t = 0; t < n; t++) {
      float tx = (float) (t % endX) * (float) scalePos;
      float ty = (float) (t / endX) * (float) scalePos;
      for (int j = 0; j < quarter; j++) {
        float ax = tx * freqs[j];
        float ay = ty * freqs[j];
        c[t * pairs + j] = (float) Math.cos(ax);
        s[t * pairs + j] = (float) Math.sin(ax);
        c[t * pairs + quarter + j] = (float) Math.cos(ay);
        s[t * pairs + quarter + j] = (float) Math.sin(ay);
      }
    }
    return new AxialRope(c, s, n, pairs);
  }

  /** The table as interleaved (cos, sin) pairs, [N, headDim / 2, 2] (for checks). */
  public float[] interleaved() {
    float[] out = new float[2 * cos.length];
    for (int i = 0; i < cos.length; i++) {
      out[2 * i] = cos[i];
      out[2 * i + 1] = sin[i];
    }
    return out;
  }

  /**
   * Rotates {@code x} [B, N, heads * headDim] in place of its layout with ONNX Runtime's
   * {@code RotaryEmbedding} (interleaved pairs: the same two products and one sum per channel as
   * {@link #apply}), without splitting the heads.
   *
   * @param name prefix of the two constant tables in the graph
   * @param positions int64: [1] = 0 when token s of every batch row is table row s, or [B, N] with
   *     each token's row
   */
  public Value rotary(Layers nn, String name, Value x, Value positions) {
    GraphBuilder g = nn.g;
    Value c = g.weight(name + ".cos_cache", cos, tokens, pairs);
    Value s = g.weight(name + ".sin_cache", sin, tokens, pairs);
    return g.node("RotaryEmbedding", x, positions, c, s).domain("com.microsoft")
        .attr("interleaved", 1L).out();
  }

  /**
   * Rotates {@code x} [B, heads, N, headDim]: each channel pair (a, b) of token t becomes
   * {@code (a cos - b sin, a sin + b cos)}.
   *
   * @param name prefix of the two constant tables in the graph
   */
  public Value apply(Layers nn, String name, Value x) {
    GraphBuilder g = nn.g;
    Value c = g.weight(name + ".cos", cos, tokens, pairs, 1);
    Value s = g.weight(name + ".sin", sin, tokens, pairs, 1);
    Value pairsOf = nn.reshape(x, 0, 0, tokens, pairs, 2);
    Value a = nn.slice(pairsOf, 4, 0, 1);
    Value b = nn.slice(pairsOf, 4, 1, 2);
    Value re = g.op("Sub", nn.mul(a, c), nn.mul(b, s));
    Value im = g.op("Add", nn.mul(a, s), nn.mul(b, c));
    Value out = g.node("Concat", re, im).attr("axis", 4L).out();
    return nn.reshape(out, 0, 0, tokens, 2L * pairs);
  }
}
