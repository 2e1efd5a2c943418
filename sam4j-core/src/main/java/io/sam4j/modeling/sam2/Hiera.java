package io.sam4j.modeling.sam2;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.config.HieraSpec;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SAM 2's trunk, {@code hieradet.Hiera}: a 7x7 stride-4 patch embedding, the background position
 * embedding bicubic-upsampled to the token grid plus the window embedding tiled over it, then
 * {@link MultiScaleBlock}s; the output of each stage's last block is a feature map. Keys live under
 * {@code image_encoder.trunk.}.
 */
public final class Hiera implements Sam2Trunk {
  private static final String P = "image_encoder.trunk";
  private final StateDict sd;
  private final HieraSpec spec;
  private final int imageSize;
  private final Precision precision;

  public Hiera(StateDict sd, HieraSpec spec, int imageSize, Precision precision) {
    this.sd = sd;
    this.spec = spec;
    this.imageSize = imageSize;
    this.precision = precision;
  }

  @Override
  public List<Value> build(GraphBuilder g, Value image, Map<String, Value> taps) {
    Layers nn = new Layers(g, sd, precision);
    int side = imageSize / 4;
    Value x;
    try (GraphBuilder.Scope s = g.scope(P + ".patch_embed")) {
      x = nn.transpose(nn.conv2d(P + ".patch_embed.proj", image, 4, 3, 1), 0, 2, 3, 1);
    }
    taps.put(P + ".patch_embed", x);
    x = nn.add(x, g.weight(P + ".pos_embed.resized", positionEmbedding(side, side),
        1, side, side, spec.embedDim()));
    List<Value> outputs = new ArrayList<>();
    List<Integer> ends = spec.stageEnds();
    List<HieraSpec.Block> blocks = spec.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      String b = P + ".blocks." + i;
      MultiScaleBlock block = new MultiScaleBlock(nn, b, blocks.get(i),
          precision == Precision.FP32 && !g.portable() && g.rewriter() == null);
      try (GraphBuilder.Scope s = g.scope(b)) {
        x = block.build(x, side);
      }
      side = block.outSide(side);
      taps.put(b, x);
      if (ends.contains(i)) {
        Value feats = nn.transpose(x, 0, 3, 1, 2);
        taps.put(P + "." + outputs.size(), feats);
        outputs.add(feats);
      }
    }
    return outputs;
  }

  /**
   * {@code _get_pos_embed}: {@code pos_embed} [1, C, bh, bw] bicubic-interpolated to h x w
   * (PyTorch's {@code F.interpolate(mode="bicubic")}, A = -0.75, align_corners False, borders
   * clamped) plus {@code pos_embed_window} [1, C, ws, ws] tiled, laid out [h, w, C]. A constant
   * of the checkpoint, computed here in double and rounded once.
   */
  float[] positionEmbedding(int h, int w) {
    Tensor pe = sd.get(P + ".pos_embed");
    Tensor win = sd.get(P + ".pos_embed_window");
    int c = pe.dim(1);
    int bh = pe.dim(2);
    int bw = pe.dim(3);
    int ws = win.dim(2);
    if (c != spec.embedDim() || h % ws != 0 || w % win.dim(3) != 0) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "Hiera position embedding "
          + java.util.Arrays.toString(pe.shape()) + " with window embedding "
          + java.util.Arrays.toString(win.shape()) + " does not fit a " + h + "x" + w + " grid of "
          + spec.embedDim() + " channels");
    }
    float[] src = pe.toFloatArray();
    float[] wsrc = win.toFloatArray();
    Cubic cy = new Cubic(bh, h);
    Cubic cx = new Cubic(bw, w);
    float[] out = new float[h * w * c];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v = 0;
          for (int i = 0; i < 4; i++) {
            double row = 0;
            for (int j = 0; j < 4; j++) {
              row += cx.weight[x][j] * src[(ch * bh + cy.index[y][i]) * bw + cx.index[x][j]];
            }
            v += cy.weight[y][i] * row;
          }
          float interp = (float) v;
          float tile = wsrc[(ch * ws + y % ws) * win.dim(3) + x % win.dim(3)];
          out[(y * w + x) * c + ch] = interp + tile;
        }
      }
    }
    return out;
  }

  /** PyTorch's bicubic taps along one axis: 4 clamped indices and weights per output index. */
  private static final class Cubic {
    final int[][] index;
    final double[][] weight;

    Cubic(int in, int out) {
      index = new int[out][4];
      weight = new double[out][4];
      double scale = (double) in / out;
      double a = -0.75;
      for (int o = 0; o < out; o++) {
        double real = scale * (o + 0.5) - 0.5;
        int i0 = (int) Math.floor(real);
        double t = real - i0;
        double[] d = {t + 1, t, 1 - t, 2 - t};
        for (int k = 0; k < 4; k++) {
          double x = d[k];
          weight[o][k] = x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
              : ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
          index[o][k] = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
        }
      }
    }
  }
}
