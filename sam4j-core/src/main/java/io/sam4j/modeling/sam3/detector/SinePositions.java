package io.sam4j.modeling.sam3.detector;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * {@code PositionEmbeddingSine._encode_xy} of normalised coordinates in the graph: {@code v = c *
 * 2 pi / T^(2 floor(i / 2) / F)} for i &lt; F, then {@code sin} at even i and {@code cos} at odd i
 * (the reference's interleaved stack), float32 in the reference's order.
 */
final class SinePositions {
  private static final double TEMPERATURE = 10000;

  private SinePositions() {}

  /**
   * @param c [..., 1] coordinates in [0, 1]
   * @param feats F, half the encoder's {@code num_pos_feats}
   * @return [..., F]
   */
  static Value encode(Layers nn, Value c, int feats) {
    GraphBuilder g = nn.g;
    float[] dim = new float[feats];
    float[] even = new float[feats];
    float[] odd = new float[feats];
    for (int i = 0; i < feats; i++) {
      dim[i] = (float) Math.pow((float) TEMPERATURE, (float) (2 * (i / 2)) / feats);
      even[i] = i % 2 == 0 ? 1f : 0f;
      odd[i] = 1f - even[i];
    }
    Value v = g.op("Div", nn.mul(c, g.scalar((float) (2 * Math.PI))),
        g.weight("sine_positions.dim_t." + feats, dim, feats));
    return nn.add(nn.mul(g.op("Sin", v), g.weight("sine_positions.even." + feats, even, feats)),
        nn.mul(g.op("Cos", v), g.weight("sine_positions.odd." + feats, odd, feats)));
  }
}
