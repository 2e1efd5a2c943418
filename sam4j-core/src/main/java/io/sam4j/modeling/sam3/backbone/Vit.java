package io.sam4j.modeling.sam3.backbone;

import io.sam4j.SamException;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;
import java.util.Arrays;
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
   * @param taps receives {@code <prefix>.blocks.N} as [1, G, G, C]
   * @return the last global block's output, [1, C, G, G]
   */
  public Value build(Value image, Map<String, Value> taps) {
    GraphBuilder g = nn.g;
    int grid = spec.gridSize();
    int c = spec.embedDim();
    Value x;
    try (GraphBuilder.Scope s = g.scope(p + ".patch_embed")) {
      x = nn.transpose(nn.conv2d(p + ".patch_embed.proj", image, spec.patchSize(), 0, 1),
          0, 2, 3, 1);
    }
    x = nn.add(x, g.weight(p + ".pos_embed.tiled", tiledPosEmbed(), 1, grid, grid, c));
    x = nn.layerNorm(p + ".ln_pre", x, spec.layerNormEps());
    for (int i = 0; i <= spec.lastGlobalBlock(); i++) {
      String b = p + ".blocks." + i;
      try (GraphBuilder.Scope s = g.scope(b)) {
        x = block(b, x, i);
      }
      taps.put(b, x);
    }
    return nn.transpose(x, 0, 3, 1, 2);
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
   * {@code Block.forward} on [1, G, G, C]: {@code x + proj(attn(norm1(x)))} (within windows after
   * {@code norm1} for windowed blocks, merged back before the residual), then
   * {@code x + fc2(gelu(fc1(norm2(x))))}.
   */
  private Value block(String b, Value x, int index) {
    int grid = spec.gridSize();
    int dim = spec.embedDim();
    float eps = spec.layerNormEps();
    Value h = nn.layerNorm(b + ".norm1", x, eps);
    RopeAttention attn = new RopeAttention(nn, spec, b + ".attn", spec.windowed(index));
    if (spec.windowed(index)) {
      int w = spec.windowSize();
      int nw = grid / w;
      h = nn.reshape(h, nw, w, nw, w, dim);
      h = nn.reshape(nn.transpose(h, 0, 2, 1, 3, 4), (long) nw * nw, (long) w * w, dim);
      h = attn.build(h, nw * nw);
      h = nn.transpose(nn.reshape(h, nw, nw, w, w, dim), 0, 2, 1, 3, 4);
      h = nn.reshape(h, 1, grid, grid, dim);
    } else {
      h = nn.reshape(attn.build(nn.reshape(h, 1, (long) grid * grid, dim), 1),
          1, grid, grid, dim);
    }
    x = nn.add(x, h);
    Value m = nn.layerNorm(b + ".norm2", x, eps);
    m = nn.linear(b + ".mlp.fc2", nn.gelu(nn.linear(b + ".mlp.fc1", m)));
    return nn.add(x, m);
  }
}
