package io.sam4j.modeling.edgetam;

import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.PositionEmbeddingSine;

/**
 * EdgeTAM's 2D Spatial Perceiver ({@code PerceiverResampler}, {@code sam2/modeling/perceiver.py}),
 * weights under {@code spatial_perceiver}: {@code latents} [G, C], {@code latents_2d} [P, C],
 * {@code layers.N} ({@link PerceiverEncoderLayer}), {@code norm}. It compresses one memory frame,
 * the memory encoder's output [B, C, H, W] with its position encoding, to {@code G + P} tokens:
 * <ul>
 *   <li>global group ({@code forward_1d}): the G latents attend to all H*W memory tokens
 *       (row-major) with the position encoding added to keys and values;</li>
 *   <li>patch group ({@code forward_2d}): the map is cut into a {@code sqrt(P) x sqrt(P)} grid of
 *       windows, row-major; latent i attends only to its own window's tokens, with no position
 *       encoding (its self-attention runs over one token).</li>
 * </ul>
 * Both groups run through the same layers and the same final LayerNorm. Output tokens
 * {@code [G global | P patch (row-major grid)]}; their position encoding ({@link #positionEncoding})
 * is zeros for the global latents and the sine encoding of the patch grid. Objects (B) are
 * independent.
 */
public final class PerceiverResampler {
  private static final float EPS = 1e-5f;
  private final Layers nn;
  private final String prefix;
  private final PerceiverResamplerSpec spec;

  /** @param prefix the module's state-dict prefix ({@code spatial_perceiver}) */
  public PerceiverResampler(Layers nn, String prefix, PerceiverResamplerSpec spec) {
    this.nn = nn;
    this.prefix = prefix;
    this.spec = spec;
  }

  /**
   * The compressed memory [B, G + P, C].
   *
   * @param x memory features [B, C, H, W], H and W multiples of {@code sqrt(P)}
   * @param pos their position encoding [B or 1, C, H, W]
   * @param h H
   * @param w W
   */
  public Value forward(Value x, Value pos, int h, int w) {
    GraphBuilder g = nn.g;
    int c = spec.dim();
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      Value tokens = nn.reshape(nn.transpose(x, 0, 2, 3, 1), 0, -1, c);
      Value out = null;
      if (spec.numLatents() > 0) {
        Value latents = nn.reshape(nn.weight(prefix + ".latents"), 1, spec.numLatents(), c);
        Value p = nn.reshape(nn.transpose(pos, 0, 2, 3, 1), 0, -1, c);
        for (int i = 0; i < spec.depth(); i++) {
          latents = layer(i).forward(latents, tokens, p);
        }
        out = nn.layerNorm(prefix + ".norm", latents, EPS);
      }
      if (spec.numLatents2d() > 0) {
        Value patches = forward2d(x, h, w);
        out = out == null ? patches : g.node("Concat", out, patches).attr("axis", 1L).out();
      }
      return out;
    }
  }

  private Value forward2d(Value x, int h, int w) {
    GraphBuilder g = nn.g;
    int c = spec.dim();
    int side = spec.gridSide();
    if (h % side != 0 || w % side != 0 || h / side != w / side) {
      throw new IllegalArgumentException("a " + h + "x" + w + " memory map does not split into "
          + side + "x" + side + " square windows");
    }
    int win = h / side;
    // window_partition: [B, H, W, C] -> [B * side * side, win * win, C], windows row-major
    Value nhwc = nn.transpose(x, 0, 2, 3, 1);
    Value windows = nn.reshape(nn.transpose(nn.reshape(nhwc, -1, side, win, side, win, c),
        0, 1, 3, 2, 4, 5), -1, (long) win * win, c);
    // latents_2d repeated per object: [B * P, 1, C]
    Value latents = nn.reshape(nn.weight(prefix + ".latents_2d"), 1, spec.numLatents2d(), c);
    Value batch = g.op("Slice", g.op("Shape", x), g.ints(0), g.ints(1), g.ints(0));
    Value tiled = g.op("Expand", latents, g.node("Concat", batch, g.ints(1, 1)).attr("axis", 0L)
        .out());
    latents = nn.reshape(tiled, -1, 1, c);
    for (int i = 0; i < spec.depth(); i++) {
      latents = layer(i).forward(latents, windows, null);
    }
    latents = nn.reshape(latents, -1, spec.numLatents2d(), c);
    return nn.layerNorm(prefix + ".norm", latents, EPS);
  }

  private PerceiverEncoderLayer layer(int i) {
    return new PerceiverEncoderLayer(nn, prefix + ".layers." + i, spec.heads(), spec.dimHead(),
        spec.useSelfAttn());
  }

  /**
   * The position encoding of the output tokens [G + P, C], row-major: zeros for the global
   * latents, {@code PositionEmbeddingSine} of the {@code sqrt(P) x sqrt(P)} latent grid for the
   * patch latents.
   */
  public static float[] positionEncoding(PerceiverResamplerSpec spec) {
    int c = spec.positionEncoding().numPosFeats();
    int g = Math.max(spec.numLatents(), 0);
    int side = spec.gridSide();
    float[] out = new float[spec.tokensPerFrame() * c];
    if (spec.numLatents2d() > 0) {
      float[] sine = PositionEmbeddingSine.encode(spec.positionEncoding(), side, side);
      for (int t = 0; t < side * side; t++) {
        for (int ch = 0; ch < c; ch++) {
          out[(g + t) * c + ch] = sine[ch * side * side + t];
        }
      }
    }
    return out;
  }
}
