package io.sam4j.modeling.sam2.config;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which SAM 2-family model a state dict holds, and whether a config fits it. The family shows in the
 * keys (Hiera's {@code image_encoder.trunk.pos_embed_window}, SAM 2.1's {@code no_obj_embed_spatial}
 * and {@code obj_ptr_tpos_proj}, EfficientTAM's plain ViT blocks, EdgeTAM's
 * {@code image_encoder.trunk.body} and {@code spatial_perceiver}); the size in the shapes (embed
 * dim, number of blocks), which pick the official config.
 */
public final class Sam2Detector {
  private static final String TRUNK = "image_encoder.trunk.";

  private Sam2Detector() {}

  /** The family of a SAM 2-family state dict, or null when it is not one. */
  public static Sam2Family familyOf(StateDict sd) {
    if (sd.has(TRUNK + "body.stem.conv1.c.weight") || sd.has("spatial_perceiver.latents")) {
      return Sam2Family.EDGETAM;
    }
    if (sd.has(TRUNK + "pos_embed_window")) {
      return sd.has("no_obj_embed_spatial") || sd.has("obj_ptr_tpos_proj.weight")
          ? Sam2Family.SAM2_1 : Sam2Family.SAM2;
    }
    if (sd.has(TRUNK + "patch_embed.proj.weight") && sd.has(TRUNK + "blocks.0.attn.qkv.weight")) {
      return Sam2Family.EFFICIENTTAM;
    }
    return null;
  }

  /**
   * The official config of a state dict: the one its file name names when that fits, else the only
   * official config of its family whose shapes fit.
   *
   * @param fileName the checkpoint's file name, or null
   * @throws SamException when it is not a SAM 2-family model, or no single official config fits
   *     (a fine-tuned or resized model, or EfficientTAM's variants that share every shape): then
   *     the config must be given
   */
  public static Sam2ModelSpec detect(StateDict sd, String fileName) {
    Sam2Family family = familyOf(sd);
    if (family == null) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "not a SAM 2-family checkpoint"
          + " (no image_encoder.trunk of Hiera, EfficientTAM's ViT or EdgeTAM's RepViT)");
    }
    String named = fileName == null ? null : Sam2Config.officialNameForFile(fileName);
    if (named != null) {
      Sam2ModelSpec spec = Sam2Config.official(named);
      if (spec.family() == family && mismatch(sd, spec) == null) {
        return spec;
      }
    }
    List<Sam2ModelSpec> fits = new ArrayList<>();
    for (String name : Sam2Config.officialNames()) {
      Sam2ModelSpec spec = Sam2Config.official(name);
      if (spec.family() == family && mismatch(sd, spec) == null) {
        fits.add(spec);
      }
    }
    if (fits.size() == 1) {
      return fits.get(0);
    }
    String what = family.displayName() + " checkpoint (" + describe(sd) + ")";
    if (fits.isEmpty()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "no official config fits this "
          + what + ": give the config that came with it (--config FILE.yaml)");
    }
    throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "this " + what + " fits several"
        + " official configs (" + String.join(", ", fits.stream().map(Sam2ModelSpec::name)
            .toList()) + "), which differ only in settings the weights do not show: give its"
        + " config (--config FILE.yaml) or keep the official file name");
  }

  /**
   * Checks that a config describes a state dict: the same family and the shapes the config
   * implies.
   *
   * @throws SamException with one line naming the family or tensor that disagrees
   */
  public static void check(StateDict sd, Sam2ModelSpec spec) {
    Sam2Family family = familyOf(sd);
    if (family != spec.family()) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the checkpoint is "
          + (family == null ? "not a SAM 2-family model" : family.displayName() + " ("
              + describe(sd) + ")") + " but the config " + spec.name() + " describes "
          + spec.family().displayName() + ": give the config that came with the checkpoint");
    }
    String problem = mismatch(sd, spec);
    if (problem != null) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the config " + spec.name()
          + " does not fit the checkpoint: " + problem + "; give the config that came with it");
    }
  }

  /** The first disagreement between a same-family spec and the tensors, or null. */
  private static String mismatch(StateDict sd, Sam2ModelSpec spec) {
    ImageEncoderSpec enc = (ImageEncoderSpec) spec.encoder();
    int c = spec.hiddenDim();
    if (enc.trunk() instanceof HieraSpec h) {
      String p = shape(sd, TRUNK + "pos_embed", 1, h.embedDim(),
          h.windowPosEmbedBkgSpatialSize().get(0), h.windowPosEmbedBkgSpatialSize().get(1));
      p = p != null ? p : blocks(sd, TRUNK + "blocks.", h.depth());
      List<HieraSpec.Block> blocks = h.blocks();
      for (int i = 0; p == null && i < blocks.size(); i++) {
        HieraSpec.Block b = blocks.get(i);
        p = shape(sd, TRUNK + "blocks." + i + ".attn.qkv.weight", 3L * b.dimOut(), b.dim());
      }
      if (p != null) {
        return p;
      }
    } else if (enc.trunk() instanceof VitDetTrunkSpec v) {
      String p = shape(sd, TRUNK + "patch_embed.proj.weight", v.embedDim(), 3, v.patchSize(),
          v.patchSize());
      p = p != null ? p : blocks(sd, TRUNK + "blocks.", v.depth());
      if (p != null) {
        return p;
      }
    }
    List<Integer> channels = enc.neck().backboneChannelList();
    if (enc.neck() instanceof FpnNeckSpec fpn) {
      String p = blocks(sd, "image_encoder.neck.convs.", channels.size());
      for (int i = 0; p == null && i < channels.size(); i++) {
        p = shape(sd, "image_encoder.neck.convs." + i + ".conv.weight", c, channels.get(i),
            fpn.kernelSize(), fpn.kernelSize());
      }
      if (p != null) {
        return p;
      }
    }
    String p = shape(sd, "sam_mask_decoder.iou_token.weight", 1, c);
    if (p == null && spec.heads().useHighResFeaturesInSam()) {
      p = shape(sd, "sam_mask_decoder.conv_s0.weight", c / 8, c, 1, 1);
    }
    if (p == null && spec.heads().useHighResFeaturesInSam() != sd.has(
        "sam_mask_decoder.conv_s0.weight")) {
      p = "use_high_res_features_in_sam is " + spec.heads().useHighResFeaturesInSam()
          + " but sam_mask_decoder.conv_s0 is " + (sd.has("sam_mask_decoder.conv_s0.weight")
              ? "present" : "absent");
    }
    if (p == null && spec.heads().predObjScores() != sd.has("sam_mask_decoder.obj_score_token"
        + ".weight")) {
      p = "pred_obj_scores is " + spec.heads().predObjScores() + " but the object-score token is "
          + (spec.heads().predObjScores() ? "absent" : "present");
    }
    if (p == null && sd.has("memory_encoder.out_proj.weight")) {
      p = shape(sd, "memory_encoder.out_proj.weight", spec.memDim(),
          spec.model().path("memory_encoder").path("in_dim").asInt(), 1, 1);
    }
    return p;
  }

  private static String shape(StateDict sd, String key, long... expected) {
    if (!sd.has(key)) {
      return "it has no tensor " + key;
    }
    Tensor t = sd.get(key);
    if (!Arrays.equals(t.shape(), expected)) {
      return key + " has shape " + Arrays.toString(t.shape()) + ", the config implies "
          + Arrays.toString(expected);
    }
    return null;
  }

  private static String blocks(StateDict sd, String prefix, int expected) {
    int n = sd.countIndexed(prefix);
    return n == expected ? null : "it has " + n + " " + prefix + "* modules, the config implies "
        + expected;
  }

  private static String describe(StateDict sd) {
    if (sd.has(TRUNK + "pos_embed_window")) {
      return "Hiera, embed dim " + sd.get(TRUNK + "pos_embed").dim(1) + ", "
          + sd.countIndexed(TRUNK + "blocks.") + " blocks";
    }
    if (sd.has(TRUNK + "patch_embed.proj.weight")) {
      return "ViT, embed dim " + sd.get(TRUNK + "patch_embed.proj.weight").dim(0) + ", "
          + sd.countIndexed(TRUNK + "blocks.") + " blocks";
    }
    if (sd.has(TRUNK + "body.stem.conv1.c.weight")) {
      return "RepViT trunk, hidden dim " + (sd.has("sam_mask_decoder.iou_token.weight")
          ? sd.get("sam_mask_decoder.iou_token.weight").dim(1) : "?");
    }
    return "keys " + String.join(", ", sd.keys().stream().limit(3).toList());
  }
}
