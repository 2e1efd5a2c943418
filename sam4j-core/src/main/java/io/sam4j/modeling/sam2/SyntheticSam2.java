package io.sam4j.modeling.sam2;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.edgetam.SyntheticTimmRepVit;
import io.sam4j.modeling.nn.RandomWeights;
import io.sam4j.modeling.sam2.config.FpnNeckSpec;
import io.sam4j.modeling.sam2.config.HieraSpec;
import io.sam4j.modeling.sam2.config.ImageEncoderSpec;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.modeling.sam2.config.TimmRepVitTrunkSpec;
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

  /**
   * Random prompt encoder and mask decoder weights of the official shapes for a spec's hidden
   * dimension C ({@code sam_prompt_encoder.*}, {@code sam_mask_decoder.*} without
   * {@code conv_s0/conv_s1}, which {@link #encoderWeights} makes): a two-way transformer of depth 2
   * with MLP width 2048 and cross attentions at C/2, heads of width 256, four mask tokens, and the
   * object-score token and head when the spec predicts object scores.
   */
  public static StateDict decoderWeights(Sam2ModelSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    int c = spec.hiddenDim();
    String pe = "sam_prompt_encoder.";
    m.put(pe + "pe_layer.positional_encoding_gaussian_matrix", RandomWeights.uniform(rnd, 0, 2, c / 2));
    for (int i = 0; i < 4; i++) {
      m.put(pe + "point_embeddings." + i + ".weight", RandomWeights.uniform(rnd, 0, 1, c));
    }
    m.put(pe + "not_a_point_embed.weight", RandomWeights.uniform(rnd, 0, 1, c));
    m.put(pe + "no_mask_embed.weight", RandomWeights.uniform(rnd, 0, 1, c));
    int[] chans = {1, 4, 16, c};
    String[] convs = {"0", "3", "6"};
    for (int i = 0; i < 3; i++) {
      int k = i < 2 ? 2 : 1;
      String p = pe + "mask_downscaling." + convs[i];
      m.put(p + ".weight", RandomWeights.uniform(rnd, 0, chans[i + 1], chans[i], k, k));
      m.put(p + ".bias", RandomWeights.uniform(rnd, 0, chans[i + 1]));
      if (i < 2) {
        norm(m, rnd, pe + "mask_downscaling." + (i == 0 ? 1 : 4), chans[i + 1]);
      }
    }
    String d = "sam_mask_decoder.";
    String t = d + "transformer.";
    for (int l = 0; l < 2; l++) {
      String p = t + "layers." + l + ".";
      attention(m, rnd, p + "self_attn", c, c);
      attention(m, rnd, p + "cross_attn_token_to_image", c, c / 2);
      attention(m, rnd, p + "cross_attn_image_to_token", c, c / 2);
      linear(m, rnd, p + "mlp.layers.0", 2048, c);
      linear(m, rnd, p + "mlp.layers.1", c, 2048);
      for (int n = 1; n <= 4; n++) {
        norm(m, rnd, p + "norm" + n, c);
      }
    }
    attention(m, rnd, t + "final_attn_token_to_image", c, c / 2);
    norm(m, rnd, t + "norm_final_attn", c);
    m.put(d + "iou_token.weight", RandomWeights.uniform(rnd, 0, 1, c));
    m.put(d + "mask_tokens.weight", RandomWeights.uniform(rnd, 0, MaskDecoder.NUM_MASK_TOKENS, c));
    m.put(d + "output_upscaling.0.weight", RandomWeights.uniform(rnd, 0, c, c / 4, 2, 2));
    m.put(d + "output_upscaling.0.bias", RandomWeights.uniform(rnd, 0, c / 4));
    norm(m, rnd, d + "output_upscaling.1", c / 4);
    m.put(d + "output_upscaling.3.weight", RandomWeights.uniform(rnd, 0, c / 4, c / 8, 2, 2));
    m.put(d + "output_upscaling.3.bias", RandomWeights.uniform(rnd, 0, c / 8));
    for (int i = 0; i < MaskDecoder.NUM_MASK_TOKENS; i++) {
      mlp(m, rnd, d + "output_hypernetworks_mlps." + i, c, c, c / 8);
    }
    mlp(m, rnd, d + "iou_prediction_head", c, 256, MaskDecoder.NUM_MASK_TOKENS);
    if (spec.heads().predObjScores()) {
      m.put(d + "obj_score_token.weight", RandomWeights.uniform(rnd, 0, 1, c));
      if (spec.heads().predObjScoresMlp()) {
        mlp(m, rnd, d + "pred_obj_score_head", c, c, 1);
      } else {
        linear(m, rnd, d + "pred_obj_score_head", 1, c);
      }
    }
    return new StateDict(m, "synthetic " + spec.name() + " decoder");
  }

  private static void attention(Map<String, Tensor> m, SplittableRandom rnd, String prefix,
      int dim, int internal) {
    linear(m, rnd, prefix + ".q_proj", internal, dim);
    linear(m, rnd, prefix + ".k_proj", internal, dim);
    linear(m, rnd, prefix + ".v_proj", internal, dim);
    linear(m, rnd, prefix + ".out_proj", dim, internal);
  }

  private static void mlp(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int in,
      int hidden, int out) {
    linear(m, rnd, prefix + ".layers.0", hidden, in);
    linear(m, rnd, prefix + ".layers.1", hidden, hidden);
    linear(m, rnd, prefix + ".layers.2", out, hidden);
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
