package io.sam4j.modeling.sam3;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.nn.RandomWeights;
import io.sam4j.modeling.sam3.backbone.AxialRope;
import io.sam4j.modeling.sam3.backbone.RopeAttention;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A SAM 3 image model with random weights of a spec's shapes and the official key layout (the
 * image model's keys, {@code detector.} removed; the tracker and {@code sam2_convs} are not made),
 * for {@code bench-synthetic --arch sam3} and for tests of other sizes than the fixture's. The RoPE
 * tables are the real ones ({@link AxialRope#compute}); everything else is noise around 0 (norm
 * scales around 1).
 *
 * <pre>{@code
 * StateDict image = SyntheticSam3.weights(Sam3Spec.OFFICIAL, 1, Part.IMAGE);
 * }</pre>
 */
public final class SyntheticSam3 {
  /** The parts a caller may need; each graph needs only its own. */
  public enum Part {
    /** The ViT trunk and the detector neck ({@link Sam3ImageEncoder}). */
    IMAGE,
    /** The text encoder. */
    TEXT,
    /** Geometry encoder, fusion encoder, decoder, scoring, segmentation head. */
    PROMPT
  }

  private final Map<String, Tensor> m = new LinkedHashMap<>();
  private final SplittableRandom rnd;

  private SyntheticSam3(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  /**
   * The official architecture with only its first {@code depth} blocks (the last one global), for
   * quick runs; null keeps all.
   */
  public static Sam3Spec official(Integer depth) {
    Sam3Spec o = Sam3Spec.OFFICIAL;
    if (depth == null) {
      return o;
    }
    Sam3Spec.Vit v = o.vit();
    if (depth < 1 || depth > v.depth()) {
      throw new IllegalArgumentException("depth " + depth + " is not in 1.." + v.depth());
    }
    java.util.List<Integer> global = new java.util.ArrayList<>(
        v.globalAttBlocks().stream().filter(i -> i < depth - 1).toList());
    global.add(depth - 1);
    Sam3Spec.Vit t = new Sam3Spec.Vit(v.imgSize(), v.pretrainImgSize(), v.patchSize(),
        v.embedDim(), depth, v.numHeads(), v.mlpRatio(), global, v.windowSize(), v.ropeTheta(),
        v.useInterpRope(), v.ropePtSize(), v.layerNormEps());
    return new Sam3Spec(o.name(), o.imageSize(), t, o.neck(), o.text(), o.encoder(), o.decoder(),
        o.geometry(), o.scoring(), o.segmentationHead(), o.processor());
  }

  /** Random weights of {@code parts} (all when none are named). */
  public static StateDict weights(Sam3Spec spec, long seed, Part... parts) {
    SyntheticSam3 s = new SyntheticSam3(seed);
    java.util.Set<Part> want = parts.length == 0 ? java.util.EnumSet.allOf(Part.class)
        : java.util.EnumSet.copyOf(java.util.List.of(parts));
    if (want.contains(Part.IMAGE)) {
      s.trunk(spec.vit());
      s.neck(spec);
    }
    if (want.contains(Part.TEXT)) {
      s.text(spec.text());
    }
    if (want.contains(Part.PROMPT)) {
      s.geometry(spec.geometry());
      for (int i = 0; i < spec.encoder().numLayers(); i++) {
        s.encoderLayer("transformer.encoder.layers." + i, spec.encoder().dModel(),
            spec.encoder().dimFeedforward());
      }
      s.decoder(spec.decoder());
      s.segmentationHead(spec.segmentationHead());
      s.scoring(spec.scoring(), spec.decoder().dModel());
    }
    return new StateDict(s.m, "synthetic");
  }

  private void trunk(Sam3Spec.Vit v) {
    String p = Sam3Detector.TRUNK;
    int c = v.embedDim();
    int n = v.posGridSize();
    put(p + "pos_embed", 0, 1, (long) n * n + 1, c);
    put(p + "patch_embed.proj.weight", 0, c, 3, v.patchSize(), v.patchSize());
    for (int i = 0; i < v.depth(); i++) {
      String b = p + "blocks." + i + ".";
      norm(b + "norm1", c);
      int side = v.windowed(i) ? v.windowSize() : v.gridSize();
      m.put(b + "attn.freqs_cis", Tensor.ofComplex(AxialRope.compute(v.headDim(), side, side,
          v.ropeTheta(), RopeAttention.scalePos(v, side)).interleaved(), (long) side * side,
          v.headDim() / 2));
      linear(b + "attn.qkv", 3 * c, c);
      linear(b + "attn.proj", c, c);
      norm(b + "norm2", c);
      linear(b + "mlp.fc1", v.mlpHidden(), c);
      linear(b + "mlp.fc2", c, v.mlpHidden());
    }
    norm(p + "ln_pre", c);
  }

  private void neck(Sam3Spec spec) {
    int c = spec.vit().embedDim();
    int d = spec.neck().dModel();
    for (int i = 0; i < spec.neck().scaleFactors().size(); i++) {
      String p = Sam3Detector.NECK + i + ".";
      double f = spec.neck().scaleFactors().get(i);
      int in = c;
      if (f == 4.0) {
        convT(p + "dconv_2x2_0", c, c / 2);
        convT(p + "dconv_2x2_1", c / 2, c / 4);
        in = c / 4;
      } else if (f == 2.0) {
        convT(p + "dconv_2x2", c, c / 2);
        in = c / 2;
      }
      conv(p + "conv_1x1", d, in, 1);
      conv(p + "conv_3x3", d, d, 3);
    }
  }

  private void text(Sam3Spec.Text t) {
    String p = Sam3Detector.TEXT + "encoder.";
    int w = t.width();
    put(p + "positional_embedding", 0, t.contextLength(), w);
    put(p + "text_projection", 0, w, t.outputDim());
    put(p + "token_embedding.weight", 0, t.vocabSize(), w);
    for (int i = 0; i < t.layers(); i++) {
      String b = p + "transformer.resblocks." + i + ".";
      attention(b + "attn", w);
      norm(b + "ln_1", w);
      norm(b + "ln_2", w);
      linear(b + "mlp.c_fc", t.mlpHidden(), w);
      linear(b + "mlp.c_proj", w, t.mlpHidden());
    }
    norm(p + "ln_final", w);
    linear(Sam3Detector.TEXT + "resizer", t.dModel(), w);
  }

  private void geometry(Sam3Spec.Geometry g) {
    String p = "geometry_encoder.";
    int d = g.dModel();
    put(p + "label_embed.weight", 0, 2, d);
    put(p + "cls_embed.weight", 0, 1, d);
    linear(p + "points_direct_project", d, 2);
    linear(p + "points_pool_project", d, d);
    linear(p + "points_pos_enc_project", d, d);
    linear(p + "boxes_direct_project", d, 4);
    conv(p + "boxes_pool_project", d, d, g.roiSize());
    linear(p + "boxes_pos_enc_project", d, d + 2);
    linear(p + "final_proj", d, d);
    norm(p + "norm", d);
    norm(p + "img_pre_norm", d);
    for (int i = 0; i < g.numLayers(); i++) {
      encoderLayer(p + "encode." + i, d, g.dimFeedforward());
    }
    norm(p + "encode_norm", d);
  }

  private void encoderLayer(String p, int d, int ff) {
    attention(p + ".self_attn", d);
    attention(p + ".cross_attn_image", d);
    linear(p + ".linear1", ff, d);
    linear(p + ".linear2", d, ff);
    norm(p + ".norm1", d);
    norm(p + ".norm2", d);
    norm(p + ".norm3", d);
  }

  private void decoder(Sam3Spec.Decoder dec) {
    String p = "transformer.decoder.";
    int d = dec.dModel();
    for (int i = 0; i < dec.numLayers(); i++) {
      String l = p + "layers." + i + ".";
      attention(l + "cross_attn", d);
      norm(l + "norm1", d);
      attention(l + "ca_text", d);
      norm(l + "catext_norm", d);
      attention(l + "self_attn", d);
      norm(l + "norm2", d);
      linear(l + "linear1", dec.dimFeedforward(), d);
      linear(l + "linear2", d, dec.dimFeedforward());
      norm(l + "norm3", d);
    }
    norm(p + "norm", d);
    mlp(p + "bbox_embed", d, d, 4, 3);
    put(p + "query_embed.weight", 0, dec.numQueries(), d);
    put(p + "reference_points.weight", 0, dec.numQueries(), 4);
    mlp(p + "boxRPB_embed_x", 2, d, dec.nHeads(), 2);
    mlp(p + "boxRPB_embed_y", 2, d, dec.nHeads(), 2);
    put(p + "presence_token.weight", 0, 1, d);
    mlp(p + "presence_token_head", d, d, 1, 3);
    norm(p + "presence_token_out_norm", d);
    mlp(p + "ref_point_head", 2 * d, d, d, 2);
  }

  private void segmentationHead(Sam3Spec.SegHead h) {
    String p = "segmentation_head.";
    int d = h.hiddenDim();
    for (int i = 0; i < h.upsamplingStages(); i++) {
      conv(p + "pixel_decoder.conv_layers." + i, d, d, 3);
    }
    for (int i = 0; i < h.upsamplingStages(); i++) {
      norm(p + "pixel_decoder.norms." + i, d);
    }
    mlp(p + "mask_predictor.mask_embed", d, d, d, 3);
    attention(p + "cross_attend_prompt", d);
    norm(p + "cross_attn_norm", d);
    conv(p + "semantic_seg_head", 1, d, 1);
    conv(p + "instance_seg_head", d, d, 1);
  }

  private void scoring(Sam3Spec.Scoring s, int d) {
    String p = "dot_prod_scoring.";
    mlp(p + "prompt_mlp", d, s.promptMlpHidden(), d, s.promptMlpLayers());
    norm(p + "prompt_mlp.out_norm", d);
    linear(p + "prompt_proj", s.dProj(), d);
    linear(p + "hs_proj", s.dProj(), d);
  }

  private void attention(String p, int d) {
    put(p + ".in_proj_weight", 0, 3L * d, d);
    put(p + ".in_proj_bias", 0, 3L * d);
    linear(p + ".out_proj", d, d);
  }

  private void mlp(String p, int in, int hidden, int out, int layers) {
    for (int i = 0; i < layers; i++) {
      linear(p + ".layers." + i, i == layers - 1 ? out : hidden, i == 0 ? in : hidden);
    }
  }

  private void linear(String p, int out, int in) {
    put(p + ".weight", 0, out, in);
    put(p + ".bias", 0, out);
  }

  private void conv(String p, int out, int in, int k) {
    put(p + ".weight", 0, out, in, k, k);
    put(p + ".bias", 0, out);
  }

  private void convT(String p, int in, int out) {
    put(p + ".weight", 0, in, out, 2, 2);
    put(p + ".bias", 0, out);
  }

  private void norm(String p, int d) {
    put(p + ".weight", 1, d);
    put(p + ".bias", 0, d);
  }

  private void put(String key, float mean, long... shape) {
    m.put(key, RandomWeights.uniform(rnd, mean, shape));
  }
}
