package io.sam4j.modeling.sam3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a SAM 3 spec file: the format of the fixtures' {@code sam3_fixture.spec.json}, sections and
 * keys named after {@code model_builder.py}'s arguments. Every key is optional and defaults to the
 * official value ({@link Sam3Spec#OFFICIAL}); other keys (the fixture's {@code tracker},
 * {@code weights}, {@code official_differences}...) are ignored.
 *
 * <pre>{@code
 * {"format": "sam4j sam3 fixture spec v1", "checkpoint": "sam3_fixture.pt", "image_size": 336,
 *  "vit": {"img_size", "pretrain_img_size", "patch_size", "embed_dim", "depth", "num_heads",
 *          "mlp_ratio", "global_att_blocks": [..], "window_size", "rope_theta", "use_interp_rope",
 *          "rope_pt_size": null, "layer_norm_eps"},
 *  "neck": {"d_model", "scale_factors": [..], "scalp",
 *           "position_encoding": {"num_pos_feats", "temperature"}},
 *  "text_encoder": {"d_model", "width", "heads", "layers", "context_length", "vocab_size",
 *                   "mlp_ratio", "output_dim"},
 *  "encoder": {"num_layers", "d_model", "num_heads", "dim_feedforward"},
 *  "decoder": {"num_layers", "num_queries", "d_model", "n_heads", "dim_feedforward",
 *              "presence_token"},
 *  "geometry_encoder": {"d_model", "num_layers", "num_heads", "dim_feedforward", "roi_size"},
 *  "dot_product_scoring": {"d_proj", "prompt_mlp_hidden_dim", "prompt_mlp_num_layers",
 *                          "clamp_max_val"},
 *  "segmentation_head": {"hidden_dim", "upsampling_stages", "cross_attend_prompt_heads"},
 *  "processor": {"resolution", "confidence_threshold", "mask_threshold"}}
 * }</pre>
 *
 * Switches the official model has and sam4j builds only one way (RoPE, tiled absolute positions,
 * {@code ln_pre}, no {@code ln_post}, no retained class token, the causal text mask, a normalised
 * position encoding) may be present with their official value; another value is refused.
 */
public final class Sam3SpecReader {
  private Sam3SpecReader() {}

  /** Reads and parses a spec file. */
  public static Sam3Spec read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "cannot read SAM 3 spec file " + file + ": " + e.getMessage(), e);
    }
    return parse(root, file.getFileName().toString());
  }

  /**
   * Parses a spec.
   *
   * @param source the file name, for messages
   */
  public static Sam3Spec parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw bad(source, "is not a JSON object");
    }
    String format = root.path("format").asText("");
    if (!format.isEmpty() && !format.startsWith("sam4j sam3")) {
      throw bad(source, "has format '" + format + "', not a SAM 3 spec ('sam4j sam3 ... spec')");
    }
    if (!root.has("vit") && !root.has("image_size") && !root.has("text_encoder")) {
      throw bad(source, "has none of 'vit', 'image_size', 'text_encoder': it is not a SAM 3 spec"
          + " (the format of sam3_fixture.spec.json)");
    }
    Sam3Spec o = Sam3Spec.OFFICIAL;
    Reader r = new Reader(source);
    String name = root.path("checkpoint").asText(o.name()).replaceFirst("\\.[^.]*$", "");
    int imageSize = r.i(root, "image_size", o.imageSize());

    JsonNode v = root.path("vit");
    r.flag(v, "vit", "use_rope", true);
    r.flag(v, "vit", "use_abs_pos", true);
    r.flag(v, "vit", "tile_abs_pos", true);
    r.flag(v, "vit", "retain_cls_token", false);
    r.flag(v, "vit", "ln_pre", true);
    r.flag(v, "vit", "ln_post", false);
    r.flag(v, "vit", "qkv_bias", true);
    Sam3Spec.Vit ov = o.vit();
    Sam3Spec.Vit vit = new Sam3Spec.Vit(r.i(v, "img_size", imageSize),
        r.i(v, "pretrain_img_size", ov.pretrainImgSize()), r.i(v, "patch_size", ov.patchSize()),
        r.i(v, "embed_dim", ov.embedDim()), r.i(v, "depth", ov.depth()),
        r.i(v, "num_heads", ov.numHeads()), r.d(v, "mlp_ratio", ov.mlpRatio()),
        r.ints(v, "global_att_blocks", ov.globalAttBlocks()), r.i(v, "window_size", ov.windowSize()),
        r.d(v, "rope_theta", ov.ropeTheta()), r.b(v, "use_interp_rope", ov.useInterpRope()),
        v.path("rope_pt_size").isNumber() ? v.get("rope_pt_size").asInt() : 0,
        (float) r.d(v, "layer_norm_eps", ov.layerNormEps()));
    if (vit.imgSize() != imageSize) {
      throw bad(source, "has vit.img_size " + vit.imgSize() + " but image_size " + imageSize);
    }

    JsonNode n = root.path("neck");
    JsonNode pe = n.path("position_encoding");
    r.flag(pe, "neck.position_encoding", "normalize", true);
    Sam3Spec.Neck on = o.neck();
    int dModel = r.i(n, "d_model", on.dModel());
    Sam3Spec.Neck neck = new Sam3Spec.Neck(dModel, r.doubles(n, "scale_factors", on.scaleFactors()),
        r.i(n, "scalp", on.scalp()), r.i(pe, "num_pos_feats", dModel),
        r.d(pe, "temperature", on.temperature()));

    JsonNode t = root.path("text_encoder");
    r.flag(t, "text_encoder", "causal_mask", true);
    Sam3Spec.Text ot = o.text();
    Sam3Spec.Text text = new Sam3Spec.Text(r.i(t, "d_model", dModel), r.i(t, "width", ot.width()),
        r.i(t, "heads", ot.heads()), r.i(t, "layers", ot.layers()),
        r.i(t, "context_length", ot.contextLength()), r.i(t, "vocab_size", ot.vocabSize()),
        r.d(t, "mlp_ratio", ot.mlpRatio()), r.i(t, "output_dim", ot.outputDim()));

    JsonNode e = root.path("encoder");
    Sam3Spec.Encoder oe = o.encoder();
    Sam3Spec.Encoder encoder = new Sam3Spec.Encoder(r.i(e, "num_layers", oe.numLayers()),
        r.i(e, "d_model", dModel), r.i(e, "num_heads", oe.numHeads()),
        r.i(e, "dim_feedforward", oe.dimFeedforward()));

    JsonNode d = root.path("decoder");
    Sam3Spec.Decoder od = o.decoder();
    Sam3Spec.Decoder decoder = new Sam3Spec.Decoder(r.i(d, "num_layers", od.numLayers()),
        r.i(d, "num_queries", od.numQueries()), r.i(d, "d_model", dModel),
        r.i(d, "n_heads", od.nHeads()), r.i(d, "dim_feedforward", od.dimFeedforward()),
        r.b(d, "presence_token", od.presenceToken()));

    JsonNode gm = root.path("geometry_encoder");
    Sam3Spec.Geometry og = o.geometry();
    Sam3Spec.Geometry geometry = new Sam3Spec.Geometry(r.i(gm, "d_model", dModel),
        r.i(gm, "num_layers", og.numLayers()), r.i(gm, "num_heads", og.numHeads()),
        r.i(gm, "dim_feedforward", og.dimFeedforward()), r.i(gm, "roi_size", og.roiSize()));

    JsonNode s = root.path("dot_product_scoring");
    Sam3Spec.Scoring os = o.scoring();
    Sam3Spec.Scoring scoring = new Sam3Spec.Scoring(r.i(s, "d_proj", dModel),
        r.i(s, "prompt_mlp_hidden_dim", os.promptMlpHidden()),
        r.i(s, "prompt_mlp_num_layers", os.promptMlpLayers()),
        r.d(s, "clamp_max_val", os.clampMaxVal()));

    JsonNode h = root.path("segmentation_head");
    Sam3Spec.SegHead oh = o.segmentationHead();
    Sam3Spec.SegHead seg = new Sam3Spec.SegHead(r.i(h, "hidden_dim", dModel),
        r.i(h, "upsampling_stages", oh.upsamplingStages()),
        r.i(h, "cross_attend_prompt_heads", oh.crossAttendPromptHeads()));

    JsonNode p = root.path("processor");
    if (r.i(p, "resolution", imageSize) != imageSize) {
      throw bad(source, "has processor.resolution " + p.get("resolution").asInt()
          + " but image_size " + imageSize);
    }
    Sam3Spec.Processor processor = new Sam3Spec.Processor(
        r.d(p, "confidence_threshold", o.processor().confidenceThreshold()),
        r.d(p, "mask_threshold", o.processor().maskThreshold()));
    return new Sam3Spec(name, imageSize, vit, neck, text, encoder, decoder, geometry, scoring, seg,
        processor);
  }

  private static SamException bad(String source, String what) {
    return new SamException(SamException.Kind.BAD_INPUT, "SAM 3 spec " + source + " " + what);
  }

  /** Typed reads with defaults and messages naming the key. */
  private record Reader(String source) {
    int i(JsonNode n, String key, int dflt) {
      JsonNode v = n.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return dflt;
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
        throw bad(source, "has '" + key + "' = " + v + ", not a non-negative integer");
      }
      return v.asInt();
    }

    double d(JsonNode n, String key, double dflt) {
      JsonNode v = n.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return dflt;
      }
      if (!v.isNumber()) {
        throw bad(source, "has '" + key + "' = " + v + ", not a number");
      }
      return v.asDouble();
    }

    boolean b(JsonNode n, String key, boolean dflt) {
      JsonNode v = n.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return dflt;
      }
      if (!v.isBoolean()) {
        throw bad(source, "has '" + key + "' = " + v + ", not true or false");
      }
      return v.asBoolean();
    }

    void flag(JsonNode n, String section, String key, boolean supported) {
      if (b(n, key, supported) != supported) {
        throw bad(source, "sets " + section + "." + key + " = " + !supported + "; sam4j builds SAM 3"
            + " only with " + supported + " (the official architecture)");
      }
    }

    List<Integer> ints(JsonNode n, String key, List<Integer> dflt) {
      JsonNode v = n.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return dflt;
      }
      List<Integer> out = new ArrayList<>();
      if (v.isArray()) {
        for (JsonNode x : v) {
          if (!x.isIntegralNumber()) {
            break;
          }
          out.add(x.asInt());
        }
      }
      if (!v.isArray() || out.size() != v.size() || out.isEmpty()) {
        throw bad(source, "has '" + key + "' = " + v + ", not a non-empty array of integers");
      }
      return out;
    }

    List<Double> doubles(JsonNode n, String key, List<Double> dflt) {
      JsonNode v = n.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return dflt;
      }
      List<Double> out = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(x -> {
          if (x.isNumber()) {
            out.add(x.asDouble());
          }
        });
      }
      if (!v.isArray() || out.size() != v.size() || out.isEmpty()) {
        throw bad(source, "has '" + key + "' = " + v + ", not a non-empty array of numbers");
      }
      return out;
    }
  }
}
