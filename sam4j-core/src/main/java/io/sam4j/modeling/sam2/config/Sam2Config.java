package io.sam4j.modeling.sam2.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sam4j.SamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SAM 2-family configs: a hydra YAML file in the official format ({@code model:} with
 * {@code _target_} names), or one of the built-in official configs (SAM 2 and 2.1 Hiera t/s/b+/l,
 * EfficientTAM ti/s and their {@code _512x512}, {@code _1}, {@code _2} variants, EdgeTAM), read into
 * a {@link Sam2ModelSpec}. Only the classes sam4j knows are accepted, nothing is instantiated;
 * class defaults fill keys a config omits, and what {@code build_sam2} adds for the image
 * predictor ({@code sam_mask_decoder_extra_args}: dynamic multimask via stability, 0.05, 0.98) is
 * applied.
 *
 * <pre>{@code
 * Sam2ModelSpec spec = Sam2Config.read(Path.of("sam2.1_hiera_t.yaml"));
 * Sam2ModelSpec same = Sam2Config.official("sam2.1_hiera_t");
 * }</pre>
 */
public final class Sam2Config {
  private Sam2Config() {}

  /** Reads a hydra YAML config; the spec is named after the file's stem. */
  public static Sam2ModelSpec read(Path yaml) {
    String text;
    try {
      text = Files.readString(yaml);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO, "cannot read config " + yaml + ": " + e, e);
    }
    String stem = yaml.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return parse(text, stem);
  }

  /** Parses the text of a hydra YAML config. */
  public static Sam2ModelSpec parse(String yamlText, String name) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(yamlText);
    } catch (JacksonException e) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config " + name + " is not valid YAML: "
          + e.getOriginalMessage().lines().findFirst().orElse("") + locationOf(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "config " + name + " is not a YAML"
          + " mapping (a SAM 2-family config starts with 'model:'); an official file that only"
          + " names another one (configs/sam2/...) must be given as the file it names");
    }
    return fromModel(name, root.get("model"));
  }

  /** A built-in official config by name ({@link #officialNames()}). */
  public static Sam2ModelSpec official(String name) {
    ObjectNode model = HydraModelNode.official(name);
    if (model == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, "no built-in SAM 2-family config '"
          + name + "'; known: " + String.join(", ", officialNames()));
    }
    return fromModel(name, model);
  }

  /** Names of the built-in official configs ({@code sam2_hiera_t}, ..., {@code edgetam}). */
  public static List<String> officialNames() {
    return HydraModelNode.officialNames();
  }

  /** Where a built-in config's values come from ({@code facebookresearch/sam2:sam2/configs/...}). */
  public static String officialSource(String name) {
    return HydraModelNode.officialSource(name);
  }

  /**
   * The built-in config named by an official checkpoint file name ({@code sam2.1_hiera_base_plus.pt}
   * to {@code sam2.1_hiera_b+}, {@code efficienttam_s_512x512.pt}, {@code edgetam.pt}), or null.
   */
  public static String officialNameForFile(String fileName) {
    String stem = Path.of(fileName).getFileName().toString().toLowerCase(Locale.ROOT)
        .replaceFirst("\\.(pt|pth|bin|safetensors)$", "");
    stem = stem.replaceFirst("_tiny$", "_t").replaceFirst("_small$", "_s")
        .replaceFirst("_base_plus$", "_b+").replaceFirst("_large$", "_l");
    return officialNames().contains(stem) ? stem : null;
  }

  /**
   * A spec from a {@code model} node (as parsed from YAML or JSON): checked, completed with the
   * class defaults and the image predictor's builder additions.
   */
  public static Sam2ModelSpec fromModel(String name, JsonNode model) {
    ObjectNode m = HydraModelNode.complete(model, name);
    Node root = new Node(m, "model", name);
    root.role("SAM2Base", "EfficientTAMBase", "SAM2VideoPredictor", "SAM2VideoPredictorVOS",
        "EfficientTAMVideoPredictor");
    ObjectNode extra = m.has("sam_mask_decoder_extra_args") && m.get("sam_mask_decoder_extra_args")
        .isObject() ? (ObjectNode) m.get("sam_mask_decoder_extra_args")
        : m.putObject("sam_mask_decoder_extra_args");
    extra.put("dynamic_multimask_via_stability", true);
    extra.put("dynamic_multimask_stability_delta", 0.05);
    extra.put("dynamic_multimask_stability_thresh", 0.98);

    Node ie = root.child("image_encoder");
    ie.role("ImageEncoder");
    Node trunkNode = ie.child("trunk");
    String trunkKind = trunkNode.role("Hiera", "ViT", "TimmBackbone");
    Sam2TrunkSpec trunk = switch (trunkKind) {
      case "Hiera" -> new HieraSpec(trunkNode.i("embed_dim"), trunkNode.i("num_heads"),
          trunkNode.i("q_pool"), trunkNode.ints("q_stride"), trunkNode.ints("stages"),
          trunkNode.d("dim_mul"), trunkNode.d("head_mul"),
          trunkNode.ints("window_pos_embed_bkg_spatial_size"), trunkNode.ints("window_spec"),
          trunkNode.ints("global_att_blocks"));
      case "ViT" -> new VitDetTrunkSpec(trunkNode.i("img_size"), trunkNode.i("patch_size"),
          trunkNode.i("embed_dim"), trunkNode.i("depth"), trunkNode.i("num_heads"),
          trunkNode.d("mlp_ratio"), trunkNode.b("qkv_bias"), trunkNode.b("use_abs_pos"),
          trunkNode.b("use_rel_pos"), trunkNode.i("window_size"),
          trunkNode.ints("window_block_indexes"), trunkNode.i("pretrain_img_size"),
          trunkNode.b("pretrain_use_cls_token"));
      default -> new TimmRepVitTrunkSpec(trunkNode.s("name"), trunkNode.strings("features"));
    };
    Node neckNode = ie.child("neck");
    String neckKind = neckNode.role("FpnNeck", "ViTDetNeck");
    Node pe = neckNode.child("position_encoding");
    PositionEmbeddingSineSpec pos = sine(pe);
    Sam2NeckSpec neck;
    if (neckKind.equals("FpnNeck")) {
      List<Integer> channels = neckNode.ints("backbone_channel_list");
      List<Integer> topDown = neckNode.isNull("fpn_top_down_levels") ? range(channels.size())
          : neckNode.ints("fpn_top_down_levels");
      neck = new FpnNeckSpec(pos, neckNode.i("d_model"), channels, neckNode.i("kernel_size"),
          neckNode.i("stride"), neckNode.i("padding"), neckNode.s("fpn_interp_model"),
          neckNode.s("fuse_type"), topDown);
    } else {
      neck = new VitDetNeckSpec(pos, neckNode.i("d_model"), neckNode.ints("backbone_channel_list"),
          neckNode.i("kernel_size"), neckNode.i("stride"), neckNode.i("padding"),
          neckNode.isNull("neck_norm") ? null : neckNode.s("neck_norm"));
    }
    if (trunk.channelList() != null && !trunk.channelList().equals(neck.backboneChannelList())) {
      throw root.error("the trunk's channels " + trunk.channelList() + " (coarsest first) do not"
          + " match the neck's backbone_channel_list " + neck.backboneChannelList());
    }
    Sam2Family family = switch (trunkKind) {
      case "Hiera" -> root.b("no_obj_embed_spatial") ? Sam2Family.SAM2_1 : Sam2Family.SAM2;
      case "ViT" -> Sam2Family.EFFICIENTTAM;
      default -> Sam2Family.EDGETAM;
    };
    int imageSize = root.i("image_size");
    if (imageSize <= 0 || imageSize % 32 != 0) {
      throw root.error("image_size " + imageSize + " must be a positive multiple of 32");
    }
    Node mem = root.child("memory_encoder");
    Sam2HeadsSpec heads = new Sam2HeadsSpec(root.b("use_high_res_features_in_sam"),
        root.b("pred_obj_scores"), root.b("pred_obj_scores_mlp"),
        root.b("iou_prediction_use_sigmoid"), root.b("use_multimask_token_for_obj_ptr"), true,
        0.05, 0.98);
    return new Sam2ModelSpec(name, family, imageSize, neck.dModel(), mem.i("out_dim"),
        new ImageEncoderSpec(trunk, neck, ie.i("scalp")), heads, m);
  }

  /**
   * The {@code model} node of the video model, as {@code build_sam2_video_predictor} (and
   * EfficientTAM's and EdgeTAM's counterparts) make it: the family's video predictor class with
   * its defaults, {@code binarize_mask_from_pts_for_mem_enc: true}, {@code fill_hole_area: 8},
   * on top of the image model's node.
   */
  public static ObjectNode videoModel(Sam2ModelSpec spec) {
    ObjectNode m = spec.model().deepCopy();
    m.put("_target_", spec.family() == Sam2Family.EFFICIENTTAM
        ? "efficient_track_anything.efficienttam_video_predictor.EfficientTAMVideoPredictor"
        : "sam2.sam2_video_predictor.SAM2VideoPredictor");
    m.put("binarize_mask_from_pts_for_mem_enc", true);
    m.put("fill_hole_area", 8);
    return HydraModelNode.complete(m, spec.name());
  }

  /** A {@code PositionEmbeddingSine} node's values. */
  static PositionEmbeddingSineSpec sine(Node pe) {
    pe.role("PositionEmbeddingSine");
    int feats = pe.i("num_pos_feats");
    if (feats <= 0 || feats % 2 != 0) {
      throw pe.error("num_pos_feats " + feats + " must be even and positive");
    }
    double scale = pe.isNull("scale") ? 2 * Math.PI : pe.d("scale");
    return new PositionEmbeddingSineSpec(feats, pe.d("temperature"), pe.b("normalize"), scale);
  }

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  private static String locationOf(JacksonException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }
}
