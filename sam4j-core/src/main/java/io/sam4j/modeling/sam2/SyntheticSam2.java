package io.sam4j.modeling.sam2;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.edgetam.SyntheticTimmRepVit;
import io.sam4j.modeling.nn.RandomWeights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Image encoder weights with the shapes of an official SAM 2 / 2.1 Hiera or EdgeTAM model and random values
 * (uniform, standard deviation 0.02; norms around 1), for measuring speed without a checkpoint:
 * {@code image_encoder.*}, {@code no_mem_embed} and {@code sam_mask_decoder.conv_s0/conv_s1}.
 *
 * <pre>{@code
 * Sam2ModelSpec spec = Sam2Config.official("sam2.1_hiera_t");
 * StateDict weights = SyntheticSam2.encoderWeights(spec, 1);
 * }</pre>
 */
public final class SyntheticSam2 {
  private SyntheticSam2() {}

  /** Random encoder weights for a Hiera or (EdgeTAM) RepViT spec with an FPN neck. */
  public static StateDict encoderWeights(Sam2ModelSpec spec, long seed) {
    ImageEncoderSpec enc = (ImageEncoderSpec) spec.encoder();
    if (!(enc.neck() instanceof FpnNeckSpec neck)) {
      throw new IllegalArgumentException(spec.name() + " has no FPN neck (EfficientTAM: use"
          + " SyntheticEfficientTam)");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    if (enc.trunk() instanceof HieraSpec h) {
      hiera(m, rnd, h);
    } else if (enc.trunk() instanceof TimmRepVitTrunkSpec) {
      SyntheticTimmRepVit.put(m, rnd, SyntheticTimmRepVit.M1_WIDTHS, SyntheticTimmRepVit.M1_DEPTHS);
    } else {
      throw new IllegalArgumentException(spec.name() + "'s trunk is neither Hiera nor RepViT");
    }
    int c = neck.dModel();
    List<Integer> channels = neck.backboneChannelList();
    for (int i = 0; i < channels.size(); i++) {
      String p = "image_encoder.neck.convs." + i + ".conv.";
      m.put(p + "weight", RandomWeights.uniform(rnd, 0, c, channels.get(i), neck.kernelSize(), neck.kernelSize()));
      m.put(p + "bias", RandomWeights.uniform(rnd, 0, c));
    }
    m.put("no_mem_embed", RandomWeights.uniform(rnd, 0, 1, 1, c));
    m.put("sam_mask_decoder.conv_s0.weight", RandomWeights.uniform(rnd, 0, c / 8, c, 1, 1));
    m.put("sam_mask_decoder.conv_s0.bias", RandomWeights.uniform(rnd, 0, c / 8));
    m.put("sam_mask_decoder.conv_s1.weight", RandomWeights.uniform(rnd, 0, c / 4, c, 1, 1));
    m.put("sam_mask_decoder.conv_s1.bias", RandomWeights.uniform(rnd, 0, c / 4));
    return new StateDict(m, "synthetic " + spec.name());
  }

  private static void hiera(Map<String, Tensor> m, SplittableRandom rnd, HieraSpec h) {
    String t = "image_encoder.trunk.";
    int d = h.embedDim();
    m.put(t + "pos_embed", RandomWeights.uniform(rnd, 0, 1, d, h.windowPosEmbedBkgSpatialSize().get(0),
        h.windowPosEmbedBkgSpatialSize().get(1)));
    int w0 = h.windowSpec().get(0);
    m.put(t + "pos_embed_window", RandomWeights.uniform(rnd, 0, 1, d, w0, w0));
    m.put(t + "patch_embed.proj.weight", RandomWeights.uniform(rnd, 0, d, 3, 7, 7));
    m.put(t + "patch_embed.proj.bias", RandomWeights.uniform(rnd, 0, d));
    List<HieraSpec.Block> blocks = h.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      HieraSpec.Block b = blocks.get(i);
      String p = t + "blocks." + i + ".";
      norm(m, rnd, p + "norm1", b.dim());
      linear(m, rnd, p + "attn.qkv", 3 * b.dimOut(), b.dim());
      linear(m, rnd, p + "attn.proj", b.dimOut(), b.dimOut());
      norm(m, rnd, p + "norm2", b.dimOut());
      linear(m, rnd, p + "mlp.layers.0", 4 * b.dimOut(), b.dimOut());
      linear(m, rnd, p + "mlp.layers.1", b.dimOut(), 4 * b.dimOut());
      if (b.dim() != b.dimOut()) {
        linear(m, rnd, p + "proj", b.dimOut(), b.dim());
      }
    }
  }

  private static void linear(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int out,
      int in) {
    m.put(prefix + ".weight", RandomWeights.uniform(rnd, 0, out, in));
    m.put(prefix + ".bias", RandomWeights.uniform(rnd, 0, out));
  }

  private static void norm(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int c) {
    m.put(prefix + ".weight", RandomWeights.uniform(rnd, 1, c));
    m.put(prefix + ".bias", RandomWeights.uniform(rnd, 0, c));
  }

}
