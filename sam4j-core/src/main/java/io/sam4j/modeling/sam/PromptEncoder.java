package io.sam4j.modeling.sam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;

/**
 * SAM's {@code PromptEncoder}: random-Fourier positional encoding of points and box corners, the
 * learned point, corner and not-a-point embeddings, and the mask input downscaling (or the
 * no-mask embedding). Keys live under {@code prompt_encoder.}.
 *
 * <p>Points arrive as [B, N, 2] pixel coordinates in the resized 1024 frame with labels [B, N]:
 * 1 foreground, 0 background, -1 padding, 2 and 3 the top-left and bottom-right box corners (the
 * reference embeds boxes as exactly such corner points).
 */
public final class PromptEncoder {
  private final String prefix;
  private final StateDict sd;
  private final int embedDim;
  private final int imageSize;
  private final int embeddingSize;

  /** SAM's prompt encoder, under {@code prompt_encoder.}. */
  public PromptEncoder(StateDict sd, int embedDim, int imageSize) {
    this(sd, "prompt_encoder", embedDim, imageSize);
  }

  /**
   * The same module under another key prefix: SAM 2's {@code sam_prompt_encoder} is this module
   * unchanged (embedding grid S/16, mask input 4x that grid).
   */
  public PromptEncoder(StateDict sd, String prefix, int embedDim, int imageSize) {
    this.prefix = prefix;
    this.sd = sd;
    this.embedDim = embedDim;
    this.imageSize = imageSize;
    this.embeddingSize = imageSize / 16;
  }

  /**
   * {@code PositionEmbeddingRandom._pe_encoding} of coordinates already in [0, 1]:
   * {@code [sin(2 pi (2c - 1) G), cos(...)]} along the last axis.
   */
  private Value peEncoding(Layers nn, Value unit) {
    Value c = nn.g.op("Sub", nn.mul(unit, nn.g.scalar(2f)), nn.g.scalar(1f));
    Value gauss = nn.weight(prefix + ".pe_layer.positional_encoding_gaussian_matrix");
    c = nn.mul(nn.matmul(c, gauss), nn.g.scalar((float) (2 * Math.PI)));
    return nn.g.node("Concat", nn.g.op("Sin", c), nn.g.op("Cos", c)).attr("axis", -1L).out();
  }

  /** {@code get_dense_pe()}: the encoding of every embedding cell centre, [1, C, 64, 64]. */
  public Value denseImagePe(GraphBuilder g) {
    Layers nn = new Layers(g, sd);
    try (GraphBuilder.Scope s = g.scope(prefix + ".pe_layer")) {
      int n = embeddingSize;
      float[] grid = new float[n * n * 2];
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          // cumsum of ones minus 0.5, divided by the size, in float as the reference does
          grid[(y * n + x) * 2] = ((float) (x + 1) - 0.5f) / n;
          grid[(y * n + x) * 2 + 1] = ((float) (y + 1) - 0.5f) / n;
        }
      }
      Value pe = peEncoding(nn, g.floats(grid, n, n, 2));
      return g.op("Unsqueeze", nn.transpose(pe, 2, 0, 1), g.ints(0));
    }
  }

  /**
   * Sparse embeddings [B, N, C] of labelled points ({@code _embed_points} and {@code _embed_boxes}).
   */
  public Value sparse(GraphBuilder g, Value coords, Value labels) {
    Layers nn = new Layers(g, sd);
    try (GraphBuilder.Scope s = g.scope(prefix)) {
      Value shifted = nn.add(coords, g.scalar(0.5f));
      Value unit = g.op("Div", shifted, g.floats(new float[] {imageSize, imageSize}, 2));
      Value pe = peEncoding(nn, unit);
      // padding points (label -1) have their encoding zeroed; every label then adds its embedding
      Value keep = g.node("Cast", g.op("Not", g.op("Equal", labels, g.scalar(-1f))))
          .attr("to", 1L).out();
      pe = nn.mul(pe, g.op("Unsqueeze", keep, g.ints(-1)));
      float[] table = new float[5 * embedDim];
      copyRow(table, 0, prefix + ".not_a_point_embed.weight");
      for (int i = 0; i < 4; i++) {
        copyRow(table, i + 1, prefix + ".point_embeddings." + i + ".weight");
      }
      Value index = g.node("Cast", nn.add(labels, g.scalar(1f))).attr("to", 7L).out();
      Value added = g.node("Gather", g.floats(table, 5, embedDim), index).attr("axis", 0L).out();
      return nn.add(pe, added);
    }
  }

  /**
   * Dense embeddings [B, C, 64, 64]: {@code mask_downscaling(mask)} where {@code hasMask} is 1,
   * the {@code no_mask_embed} where it is 0.
   *
   * @param mask [B, 1, 256, 256] low-res logits
   * @param hasMask [B] 1 or 0
   */
  public Value dense(GraphBuilder g, Value mask, Value hasMask) {
    Layers nn = new Layers(g, sd);
    try (GraphBuilder.Scope s = g.scope(prefix + ".mask_downscaling")) {
      String m = prefix + ".mask_downscaling";
      Value x = nn.conv2d(m + ".0", mask, 2, 0, 1);
      x = nn.gelu(nn.layerNorm2d(m + ".1", x, 1e-6f));
      x = nn.conv2d(m + ".3", x, 2, 0, 1);
      x = nn.gelu(nn.layerNorm2d(m + ".4", x, 1e-6f));
      x = nn.conv2d(m + ".6", x, 1, 0, 1);
      Value h = nn.reshape(hasMask, -1, 1, 1, 1);
      Value noMask = noMaskEmbedding(g);
      Value withMask = nn.mul(x, h);
      Value without = nn.mul(noMask, g.op("Sub", g.scalar(1f), h));
      return nn.add(without, withMask);
    }
  }

  /** {@code no_mask_embed} as [1, C, 1, 1], the dense embedding of a prompt without mask input. */
  public Value noMaskEmbedding(GraphBuilder g) {
    return g.weight(prefix + ".no_mask_embed.weight", sd.get(prefix + ".no_mask_embed.weight").toFloatArray(),
        1, embedDim, 1, 1);
  }

  private void copyRow(float[] table, int row, String key) {
    float[] w = sd.get(key).toFloatArray();
    if (w.length != embedDim) {
      throw new io.sam4j.SamException(io.sam4j.SamException.Kind.UNSUPPORTED_MODEL,
          key + " has " + w.length + " values, expected " + embedDim);
    }
    System.arraycopy(w, 0, table, row * embedDim, embedDim);
  }
}
