package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.edgetam.EdgeTamVideo;
import io.sam4j.modeling.edgetam.PerceiverResamplerSpec;
import io.sam4j.modeling.nn.RandomWeights;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Everything of an official SAM 2-family checkpoint but the image encoder, with random values of
 * the official shapes (uniform, standard deviation 0.02; norms around 1): prompt encoder, mask
 * decoder, memory encoder, memory attention, pointer projections, the memory embeddings, and
 * EdgeTAM's spatial perceiver. With an encoder's synthetic weights it makes a whole model for
 * {@code bench-synthetic --video}; the masks mean nothing, only the shapes (and so the speed) do.
 *
 * <pre>{@code
 * Sam2ModelSpec spec = Sam2Config.official("sam2.1_hiera_t");
 * Map<String, Tensor> m = new LinkedHashMap<>(SyntheticSam2.encoderWeights(spec, 1).tensors());
 * m.putAll(SyntheticTrackerWeights.weights(spec, 2));
 * }</pre>
 */
public final class SyntheticTrackerWeights {
  /** {@code _build_sam_heads}: the prompt encoder's mask channels (hard-coded there). */
  private static final int MASK_IN_CHANS = 16;
  /** The two-way transformer's MLP width and depth (hard-coded in {@code _build_sam_heads}). */
  private static final int DECODER_MLP = 2048;
  private static final int DECODER_DEPTH = 2;
  /** The IoU head's hidden width. */
  private static final int IOU_HIDDEN = 256;

  private final SplittableRandom rnd;
  private final Map<String, Tensor> m = new LinkedHashMap<>();

  private SyntheticTrackerWeights(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  /** The non-encoder tensors of {@code spec}'s official checkpoint, random, by key. */
  public static Map<String, Tensor> weights(Sam2ModelSpec spec, long seed) {
    SyntheticTrackerWeights w = new SyntheticTrackerWeights(seed);
    TrackerSpec t = TrackerSpec.of(spec);
    w.promptEncoder(spec.hiddenDim());
    w.maskDecoder(spec);
    w.memoryEncoder(t.memoryEncoder());
    w.memoryAttention(t);
    w.embeddings(t);
    if (spec.model().path("spatial_perceiver").isObject()) {
      w.perceiver(EdgeTamVideo.perceiver(spec.model()),
          spec.model().path("spatial_perceiver").path("ff_mult").asInt(4));
    }
    return w.m;
  }

  private void promptEncoder(int c) {
    String p = "sam_prompt_encoder.";
    put(p + "pe_layer.positional_encoding_gaussian_matrix", 0, 2, c / 2);
    for (int i = 0; i < 4; i++) {
      put(p + "point_embeddings." + i + ".weight", 0, 1, c);
    }
    put(p + "not_a_point_embed.weight", 0, 1, c);
    conv(p + "mask_downscaling.0", MASK_IN_CHANS / 4, 1, 2);
    norm(p + "mask_downscaling.1", MASK_IN_CHANS / 4);
    conv(p + "mask_downscaling.3", MASK_IN_CHANS, MASK_IN_CHANS / 4, 2);
    norm(p + "mask_downscaling.4", MASK_IN_CHANS);
    conv(p + "mask_downscaling.6", c, MASK_IN_CHANS, 1);
    put(p + "no_mask_embed.weight", 0, 1, c);
  }

  private void maskDecoder(Sam2ModelSpec spec) {
    int c = spec.hiddenDim();
    String p = "sam_mask_decoder.";
    String t = p + "transformer.";
    for (int l = 0; l < DECODER_DEPTH; l++) {
      String q = t + "layers." + l + ".";
      attention(q + "self_attn", c, c, c);
      norm(q + "norm1", c);
      attention(q + "cross_attn_token_to_image", c, c / 2, c);
      norm(q + "norm2", c);
      linear(q + "mlp.layers.0", DECODER_MLP, c);
      linear(q + "mlp.layers.1", c, DECODER_MLP);
      norm(q + "norm3", c);
      norm(q + "norm4", c);
      attention(q + "cross_attn_image_to_token", c, c / 2, c);
    }
    attention(t + "final_attn_token_to_image", c, c / 2, c);
    norm(t + "norm_final_attn", c);
    put(p + "iou_token.weight", 0, 1, c);
    put(p + "mask_tokens.weight", 0, 4, c);
    put(p + "obj_score_token.weight", 0, 1, c);
    put(p + "output_upscaling.0.weight", 0, c, c / 4, 2, 2);
    put(p + "output_upscaling.0.bias", 0, c / 4);
    norm(p + "output_upscaling.1", c / 4);
    put(p + "output_upscaling.3.weight", 0, c / 4, c / 8, 2, 2);
    put(p + "output_upscaling.3.bias", 0, c / 8);
    if (spec.heads().useHighResFeaturesInSam()) {
      conv(p + "conv_s0", c / 8, c, 1);
      conv(p + "conv_s1", c / 4, c, 1);
    }
    for (int i = 0; i < 4; i++) {
      mlp(p + "output_hypernetworks_mlps." + i, c, c, c / 8);
    }
    mlp(p + "iou_prediction_head", c, IOU_HIDDEN, 4);
    if (spec.heads().predObjScoresMlp()) {
      mlp(p + "pred_obj_score_head", c, c, 1);
    } else {
      linear(p + "pred_obj_score_head", 1, c);
    }
  }

  private void memoryEncoder(MemoryEncoderSpec me) {
    String p = "memory_encoder.";
    int in = 1;
    int idx = 0;
    for (int i = 0; i < me.downLayers(); i++) {
      int out = in * me.downStride() * me.downStride();
      conv(p + "mask_downsampler.encoder." + idx, out, in, me.downKernel());
      norm(p + "mask_downsampler.encoder." + (idx + 1), out);
      in = out;
      idx += 3;
    }
    conv(p + "mask_downsampler.encoder." + idx, me.embedDim(), in, 1);
    conv(p + "pix_feat_proj", me.inDim(), me.inDim(), 1);
    for (int i = 0; i < me.fuserLayers(); i++) {
      String q = p + "fuser.layers." + i + ".";
      int d = me.inDim();
      put(q + "gamma", 0, d);
      put(q + "dwconv.weight", 0, d, me.cxDwconv() ? 1 : d, me.cxKernel(), me.cxKernel());
      put(q + "dwconv.bias", 0, d);
      norm(q + "norm", d);
      linear(q + "pwconv1", 4 * d, d);
      linear(q + "pwconv2", d, 4 * d);
    }
    if (me.outDim() != me.inDim()) {
      conv(p + "out_proj", me.outDim(), me.inDim(), 1);
    }
  }

  private void memoryAttention(TrackerSpec t) {
    MemoryAttentionSpec ma = t.memoryAttention();
    int c = ma.dModel();
    for (int l = 0; l < ma.numLayers(); l++) {
      String p = "memory_attention.layers." + l + ".";
      RopeAttentionSpec sa = ma.selfAttention();
      attention(p + "self_attn", c, sa.internalDim(), sa.kvInDim());
      RopeAttentionSpec ca = ma.crossAttention();
      attention(p + "cross_attn_image", c, ca.internalDim(), ca.kvInDim());
      linear(p + "linear1", ma.dimFeedforward(), c);
      linear(p + "linear2", c, ma.dimFeedforward());
      for (String n : new String[] {"norm1", "norm2", "norm3"}) {
        norm(p + n, c);
      }
    }
    norm("memory_attention.norm", c);
  }

  private void embeddings(TrackerSpec t) {
    int c = t.hiddenDim();
    int mem = t.memDim();
    put("maskmem_tpos_enc", 0, t.numMaskmem(), 1, 1, mem);
    put("no_mem_embed", 0, 1, 1, c);
    put("no_mem_pos_enc", 0, 1, 1, c);
    put("no_obj_ptr", 0, 1, c);
    if (t.noObjEmbedSpatial()) {
      put("no_obj_embed_spatial", 0, 1, mem);
    }
    conv("mask_downsample", 1, 1, 4);
    if (t.useMlpForObjPtrProj()) {
      for (int i = 0; i < 3; i++) {
        linear("obj_ptr_proj.layers." + i, c, c);
      }
    } else {
      linear("obj_ptr_proj", c, c);
    }
    if (t.addTposEncToObjPtrs() && t.projTposEncInObjPtrs()) {
      linear("obj_ptr_tpos_proj", mem, c);
    }
  }

  private void perceiver(PerceiverResamplerSpec s, int ffMult) {
    String p = "spatial_perceiver.";
    int d = s.dim();
    int inner = s.heads() * s.dimHead();
    if (s.numLatents() > 0) {
      put(p + "latents", 0, s.numLatents(), d);
    }
    if (s.numLatents2d() > 0) {
      put(p + "latents_2d", 0, s.numLatents2d(), d);
    }
    for (int l = 0; l < s.depth(); l++) {
      String q = p + "layers." + l + ".";
      norm(q + "attn.norm_x", d);
      norm(q + "attn.norm_latents", d);
      perceiverAttention(q + "attn", d, inner);
      feedForward(q + "ff", d, ffMult);
      if (s.useSelfAttn()) {
        norm(q + "self_attn.norm", d);
        perceiverAttention(q + "self_attn", d, inner);
        feedForward(q + "self_ff", d, ffMult);
      }
    }
    norm(p + "norm", d);
  }

  private void perceiverAttention(String p, int d, int inner) {
    put(p + ".to_q.weight", 0, inner, d);
    put(p + ".to_kv.weight", 0, 2 * inner, d);
    put(p + ".to_out.weight", 0, d, inner);
  }

  private void feedForward(String p, int d, int mult) {
    norm(p + ".0", d);
    put(p + ".1.weight", 0, d * mult, d);
    put(p + ".3.weight", 0, d, d * mult);
  }

  /** {@code q_proj}, {@code k_proj}, {@code v_proj} (keys and values {@code kv} wide), out. */
  private void attention(String p, int c, int internal, int kv) {
    linear(p + ".q_proj", internal, c);
    linear(p + ".k_proj", internal, kv);
    linear(p + ".v_proj", internal, kv);
    linear(p + ".out_proj", c, internal);
  }

  /** A three-layer MLP. */
  private void mlp(String p, int in, int hidden, int out) {
    linear(p + ".layers.0", hidden, in);
    linear(p + ".layers.1", hidden, hidden);
    linear(p + ".layers.2", out, hidden);
  }

  private void linear(String p, int out, int in) {
    put(p + ".weight", 0, out, in);
    put(p + ".bias", 0, out);
  }

  private void conv(String p, int out, int in, int k) {
    put(p + ".weight", 0, out, in, k, k);
    put(p + ".bias", 0, out);
  }

  private void norm(String p, int c) {
    put(p + ".weight", 1, c);
    put(p + ".bias", 0, c);
  }

  private void put(String key, float mean, long... shape) {
    m.put(key, RandomWeights.uniform(rnd, mean, shape));
  }
}
