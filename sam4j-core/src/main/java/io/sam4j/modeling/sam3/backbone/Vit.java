package io.sam4j.modeling.sam3.backbone;

import io.sam4j.SamException;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * SAM 3's trunk, {@code vitdet.ViT}: a {@code patch x patch} convolution without bias to
 * [1, G, G, C] tokens, plus the absolute position embedding (a class row, dropped, and an
 * n x n grid <em>tiled</em> over G x G, not resized), {@code ln_pre}, then {@code Block}s
 * ({@link #block}) up to the last global one, whose output [1, C, G, G] is the trunk's
 * ({@code ln_post} is off). Keys under {@code backbone.vision_backbone.trunk.} of the image model.
 */
public final class Vit {
  private final Layers nn;
  private final Sam3Spec.Vit spec;
  private final String p;

  /**
   * @param prefix the trunk's key prefix, ending in {@code trunk}
   */
  public Vit(Layers nn, Sam3Spec.Vit spec, String prefix) {
    this.nn = nn;
    this.spec = spec;
    this.p = prefix;
  }

  /**
   * Adds the trunk.
   *
   * @param image [1, 3, S, S], normalised to [-1, 1]
   * @param wanted keys to put in {@code taps}: {@code <prefix>.ln_pre} (the first block's input)
   *     or {@code <prefix>.blocks.N}
   * @param taps receives the wanted values as [1, G, G, C]
   * @return the last global block's output, [1, C, G, G]
   */
  public Value build(Value image, Collection<String> wanted, Map<String, Value> taps) {
    GraphBuilder g = nn.g;
    int grid = spec.gridSize();
    int c = spec.embedDim();
    boolean fused = !g.portable();
    TokenOrder order = fused ? TokenOrder.preferWindows(grid, spec.windowSize())
        : TokenOrder.raster(grid, spec.windowSize());
    Value x;
    try (GraphBuilder.Scope s = g.scope(p + ".patch_embed")) {
      x = order.fromNchw(nn, nn.conv2d(p + ".patch_embed.proj", image, spec.patchSize(), 0, 1), c);
    }
    x = nn.add(x, g.weight(p + ".pos_embed.tiled", order.fromRaster(tiledPosEmbed(), c), 1,
        (long) grid * grid, c));
    x = nn.layerNorm(p + ".ln_pre", x, spec.layerNormEps());
    if (wanted.contains(p + ".ln_pre")) {
      taps.put(p + ".ln_pre", order.toRaster(nn, x, c));
    }
    int last = spec.lastGlobalBlock();
    if (!fused) {
      for (int i = 0; i <= last; i++) {
        String b = p + ".blocks." + i;
        try (GraphBuilder.Scope s = g.scope(b)) {
          x = block(b, x, i, order);
        }
        if (wanted.contains(b)) {
          taps.put(b, order.toRaster(nn, x, c));
        }
      }
      return order.toNchw(nn, x, c);
    }
    float eps = spec.layerNormEps();
    Value h = nn.layerNorm(p + ".blocks.0.norm1", x, eps);
    for (int i = 0; i <= last; i++) {
      String b = p + ".blocks." + i;
      Value[] out;
      try (GraphBuilder.Scope s = g.scope(b)) {
        out = fusedBlock(b, x, h, i, order);
      }
      Value fc2Bias = nn.weight(b + ".mlp.fc2.bias");
      if (i < last) {
        // this block's second residual sum and the next block's norm1 in one pass
        String next = p + ".blocks." + (i + 1) + ".norm1";
        Value[] normed = g.node("SkipLayerNormalization", out[1], out[0],
            nn.weight(next + ".weight"), nn.weight(next + ".bias"), fc2Bias)
            .domain("com.microsoft").attr("epsilon", eps).outs(4);
        h = normed[0];
        x = normed[3];
      } else {
        x = nn.add(out[0], nn.add(out[1], fc2Bias));
      }
      if (wanted.contains(b)) {
        taps.put(b, order.toRaster(nn, x, c));
      }
    }
    return order.toNchw(nn, x, c);
  }

  /**
   * {@code get_abs_pos(..., tiling=True)}: the grid of {@code pos_embed} without its class row,
   * repeated over the token grid and cut to it, as [G, G, C] values.
   */
  public float[] tiledPosEmbed() {
    Tensor t = nn.sd.get(p + ".pos_embed");
    int c = spec.embedDim();
    int n = spec.posGridSize();
    if (t.rank() != 3 || t.dim(2) != c || (t.dim(1) != n * n + 1 && t.dim(1) != n * n)) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, p + ".pos_embed has shape "
          + Arrays.toString(t.shape()) + "; [1, " + (n * n + 1) + ", " + c + "] expected");
    }
    float[] all = t.toFloatArray();
    int skip = t.dim(1) - n * n;
    int grid = spec.gridSize();
    float[] out = new float[grid * grid * c];
    for (int y = 0; y < grid; y++) {
      for (int x = 0; x < grid; x++) {
        int src = (skip + (y % n) * n + (x % n)) * c;
        System.arraycopy(all, src, out, (y * grid + x) * c, c);
      }
    }
    return out;
  }

  /**
   * {@code Block.forward} on rows [1, G * G, C] in standard operators (portable graphs), in the
   * reference's order: {@code x + proj(attn(norm1(x)))} (within zero-padded windows after
   * {@code norm1} for windowed blocks, merged back and cropped before the residual), then
   * {@code x + fc2(gelu(fc1(norm2(x))))}.
   */
  private Value block(String b, Value x, int index, TokenOrder order) {
    int dim = spec.embedDim();
    float eps = spec.layerNormEps();
    Value h = nn.layerNorm(b + ".norm1", x, eps);
    RopeAttention attn = new RopeAttention(nn, spec, b + ".attn", spec.windowed(index));
    if (spec.windowed(index)) {
      h = order.fromWindows(nn, attn.build(order.toWindows(nn, h, dim), order.windows()), dim);
    } else {
      h = attn.build(h, 1);
    }
    x = nn.add(x, h);
    Value m = nn.layerNorm(b + ".norm2", x, eps);
    m = nn.linear(b + ".mlp.fc2", nn.gelu(nn.linear(b + ".mlp.fc1", m)));
    return nn.add(x, m);
  }

  /**
   * The same block for ONNX Runtime on rows in {@code order}, given {@code h = norm1(x)}: the
   * attention of {@link RopeAttention#fused} (windows padded and cropped as in
   * {@link TokenOrder}), {@code proj} after the windows are merged, its bias, the residual sum and
   * {@code norm2} as one {@code SkipLayerNormalization}, then the MLP without {@code fc2}'s bias,
   * which the caller adds with the second residual (fused into the next block's {@code norm1}).
   *
   * @return the first residual sum and the MLP's output without bias, both [1, G * G, C]
   */
  private Value[] fusedBlock(String b, Value x, Value h, int index, TokenOrder order) {
    int dim = spec.embedDim();
    RopeAttention attn = new RopeAttention(nn, spec, b + ".attn", spec.windowed(index));
    Value o;
    if (spec.windowed(index)) {
      o = attn.fused(order.toWindows(nn, h, dim), order.windowPositions(nn.g));
      o = order.fromWindows(nn, o, dim);
    } else {
      o = attn.fused(h, order.globalPositions(nn.g));
    }
    o = nn.linearNoBias(b + ".attn.proj.w", o, nn.param(b + ".attn.proj", "weight"));
    Value[] normed = nn.g.node("SkipLayerNormalization", o, x, nn.weight(b + ".norm2.weight"),
        nn.weight(b + ".norm2.bias"), nn.weight(b + ".attn.proj.bias")).domain("com.microsoft")
        .attr("epsilon", spec.layerNormEps()).outs(4);
    Value m = nn.gelu(nn.linear(b + ".mlp.fc1", normed[0]));
    m = nn.linearNoBias(b + ".mlp.fc2.w", m, nn.param(b + ".mlp.fc2", "weight"));
    return new Value[] {normed[3], m};
  }
}
