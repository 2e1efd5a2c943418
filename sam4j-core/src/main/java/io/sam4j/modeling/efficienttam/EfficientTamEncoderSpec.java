package io.sam4j.modeling.efficienttam;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.modeling.sam2.config.Sam2EncoderSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * EfficientTAM's image encoder: the hydra config's {@code model.image_encoder.trunk} (a plain ViT,
 * {@code backbones/vitdet.ViT}) and {@code .neck} ({@code ViTDetNeck}, one level), with the
 * model's {@code image_size}.
 *
 * @param imageSize S, the square input side ({@code model.image_size}: 1024, or 512)
 * @param patchSize {@code trunk.patch_size} (16)
 * @param embedDim {@code trunk.embed_dim} (192 for ti, 384 for s)
 * @param depth {@code trunk.depth} (12)
 * @param numHeads {@code trunk.num_heads} (3 for ti, 6 for s)
 * @param mlpRatio {@code trunk.mlp_ratio} (4.0)
 * @param windowSize {@code trunk.window_size} (14)
 * @param windowBlockIndexes {@code trunk.window_block_indexes}: the blocks with windowed attention;
 *     the others attend globally, and the last of those is the trunk's output
 * @param pretrainImgSize {@code trunk.pretrain_img_size} (224): {@code pos_embed} is learned on a
 *     (pretrainImgSize / patchSize)^2 grid, plus a class token
 * @param dModel {@code neck.d_model}, the hidden dimension C (256)
 * @param numPosFeats {@code neck.position_encoding.num_pos_feats} (= C)
 * @param temperature {@code neck.position_encoding.temperature} (10000)
 */
public record EfficientTamEncoderSpec(int imageSize, int patchSize, int embedDim, int depth,
    int numHeads, double mlpRatio, int windowSize, List<Integer> windowBlockIndexes,
    int pretrainImgSize, int dModel, int numPosFeats, double temperature)
    implements Sam2EncoderSpec {

  /**
   * Checks the values and copies the list.
   *
   * @throws SamException ({@code UNSUPPORTED_MODEL}) naming the first value that cannot work
   */
  public EfficientTamEncoderSpec {
    windowBlockIndexes = List.copyOf(windowBlockIndexes);
    require(patchSize > 0 && imageSize % patchSize == 0,
        "image_size " + imageSize + " must be a positive multiple of patch_size " + patchSize);
    require(numHeads > 0 && embedDim % numHeads == 0,
        "trunk embed_dim " + embedDim + " must be divisible by num_heads " + numHeads);
    require(depth > 0, "trunk depth must be positive: " + depth);
    require(windowSize > 0, "trunk window_size must be positive: " + windowSize);
    require(mlpRatio > 0 && Math.rint(embedDim * mlpRatio) == embedDim * mlpRatio,
        "trunk mlp_ratio " + mlpRatio + " must give a whole hidden width");
    require(windowBlockIndexes.stream().allMatch(i -> i >= 0 && i < depth),
        "window_block_indexes " + windowBlockIndexes + " must lie in 0.." + (depth - 1));
    require(new java.util.HashSet<>(windowBlockIndexes).size() < depth,
        "the trunk needs a global block (its output): window_block_indexes covers all " + depth);
    require(pretrainImgSize % patchSize == 0,
        "pretrain_img_size " + pretrainImgSize + " must be a multiple of patch_size " + patchSize);
    require(dModel > 0 && numPosFeats > 0 && numPosFeats % 2 == 0,
        "neck d_model and an even num_pos_feats are needed: " + dModel + ", " + numPosFeats);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL,
          "EfficientTAM encoder config: " + message);
    }
  }

  /**
   * The official configs' encoders: {@code efficienttam_ti}, {@code efficienttam_s} (1024) and
   * their {@code _512x512} variants ({@code configs/efficienttam/*.yaml}; the {@code _1} and
   * {@code _2} variants have the encoder of their size).
   *
   * @throws IllegalArgumentException for another name
   */
  public static EfficientTamEncoderSpec official(String name) {
    return switch (name) {
      case "efficienttam_ti" -> vit(1024, 192, 3);
      case "efficienttam_ti_512x512" -> vit(512, 192, 3);
      case "efficienttam_s" -> vit(1024, 384, 6);
      case "efficienttam_s_512x512" -> vit(512, 384, 6);
      default -> throw new IllegalArgumentException("no official EfficientTAM encoder '" + name
          + "'; known: efficienttam_ti, efficienttam_ti_512x512, efficienttam_s,"
          + " efficienttam_s_512x512");
    };
  }

  private static EfficientTamEncoderSpec vit(int imageSize, int dim, int heads) {
    return new EfficientTamEncoderSpec(imageSize, 16, dim, 12, heads, 4.0, 14,
        List.of(0, 1, 3, 4, 6, 7, 9, 10), 224, 256, 256, 10000);
  }

  /**
   * The encoder of a hydra config's resolved {@code model} node, with the reference's defaults
   * for absent keys ({@code vitdet.ViT}: patch 16, depth 12, 12 heads, MLP ratio 4, window 14,
   * window blocks 0, 1, 3, 4, 6, 7, 9, 10, pretrain size 224; {@code EfficientTAMBase}: image size
   * 512; {@code PositionEmbeddingSine}: temperature 10000). The {@code _target_} names are the
   * caller's to check.
   *
   * @throws SamException ({@code UNSUPPORTED_MODEL}) for a config this encoder cannot build
   */
  public static EfficientTamEncoderSpec fromConfig(JsonNode model) {
    JsonNode encoder = model.path("image_encoder");
    JsonNode trunk = encoder.path("trunk");
    JsonNode neck = encoder.path("neck");
    require(trunk.isObject() && neck.isObject(),
        "model.image_encoder needs a trunk and a neck");
    require(encoder.path("scalp").asInt(0) == 0, "scalp must be 0 (one neck level)");
    require(!trunk.path("return_interm_layers").asBoolean(false),
        "return_interm_layers must be false (the neck takes one level)");
    require(trunk.path("init_values").isMissingNode() || trunk.path("init_values").isNull(),
        "init_values (LayerScale) is not supported");
    require(trunk.path("pretrain_use_cls_token").asBoolean(true)
        && trunk.path("use_abs_pos").asBoolean(true) && trunk.path("qkv_bias").asBoolean(true),
        "use_abs_pos, pretrain_use_cls_token and qkv_bias must be true, as in every official config");
    List<Integer> windows = new ArrayList<>();
    JsonNode w = trunk.path("window_block_indexes");
    if (w.isMissingNode()) {
      windows.addAll(List.of(0, 1, 3, 4, 6, 7, 9, 10));
    } else {
      w.forEach(n -> windows.add(n.asInt()));
    }
    int embed = trunk.path("embed_dim").asInt(768);
    require(neck.path("backbone_channel_list").size() <= 1
        && neck.path("backbone_channel_list").path(0).asInt(embed) == embed,
        "neck.backbone_channel_list must be [" + embed + "] (the trunk's embed_dim)");
    int dModel = neck.path("d_model").asInt(0);
    JsonNode pe = neck.path("position_encoding");
    return new EfficientTamEncoderSpec(model.path("image_size").asInt(512),
        trunk.path("patch_size").asInt(16), embed, trunk.path("depth").asInt(12),
        trunk.path("num_heads").asInt(12), trunk.path("mlp_ratio").asDouble(4.0),
        trunk.path("window_size").asInt(14), windows, trunk.path("pretrain_img_size").asInt(224),
        dModel, pe.path("num_pos_feats").asInt(dModel), pe.path("temperature").asDouble(10000));
  }

  /** {@code "vit"}. */
  @Override
  public String name() {
    return "vit";
  }

  /** Side of the token grid, S / patch size. */
  public int gridSize() {
    return imageSize / patchSize;
  }

  /** The MLP's hidden width, embed_dim x mlp_ratio. */
  public int mlpDim() {
    return (int) Math.round(embedDim * mlpRatio);
  }

  /** Whether block {@code i} attends within windows. */
  public boolean windowed(int i) {
    return windowBlockIndexes.contains(i);
  }

  /** The index of the last global block, whose output the trunk returns. */
  public int lastGlobalBlock() {
    for (int i = depth - 1; i >= 0; i--) {
      if (!windowed(i)) {
        return i;
      }
    }
    throw new IllegalStateException("no global block");
  }

  /**
   * The same encoder with its first {@code n} blocks (for quick measurements).
   *
   * @throws IllegalArgumentException when n is not in 1..depth
   * @throws SamException when the first n blocks have no global block
   */
  public EfficientTamEncoderSpec truncated(int n) {
    if (n < 1 || n > depth) {
      throw new IllegalArgumentException("depth " + n + " is not in 1.." + depth);
    }
    return new EfficientTamEncoderSpec(imageSize, patchSize, embedDim, n, numHeads, mlpRatio,
        windowSize, windowBlockIndexes.stream().filter(i -> i < n).toList(), pretrainImgSize,
        dModel, numPosFeats, temperature);
  }
}
