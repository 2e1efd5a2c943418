package io.sam4j.modeling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.edgesam.RepVitDetector;
import io.sam4j.modeling.sam2.config.Sam2Detector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Works out a {@link ModelSpec} from a state dict's keys and shapes: the embedding width gives
 * ViT-B/L/H and their head counts, the number of blocks the depth, the size of each block's
 * relative-position table whether it attends globally or in windows (and the window size). A JSON
 * spec file can supply what the shapes do not say:
 *
 * <pre>{@code
 * {"name": "tiny",
 *  "image_encoder": {"num_heads": 2},
 *  "mask_decoder": {"num_heads": 2}}
 * }</pre>
 *
 * Any field given must agree with the checkpoint (it may not contradict the weights).
 */
public final class SpecDetector {
  private static final Map<Integer, Integer> VIT_HEADS = Map.of(768, 12, 1024, 16, 1280, 16);
  private static final Map<String, Object[]> VIT_NAMES = Map.of(
      "vit_b", new Object[] {768, 12, List.of(2, 5, 8, 11)},
      "vit_l", new Object[] {1024, 24, List.of(5, 11, 17, 23)},
      "vit_h", new Object[] {1280, 32, List.of(7, 15, 23, 31)});

  private SpecDetector() {}

  /** Reads a JSON spec file. */
  public static JsonNode readSpecFile(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new SamException(SamException.Kind.BAD_INPUT,
          "cannot read spec file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Detects the spec with the overrides of a spec file, or none when {@code specFile} is null. */
  public static ModelSpec detect(StateDict sd, Path specFile) {
    return detect(sd, specFile == null ? MissingNode.getInstance() : readSpecFile(specFile));
  }

  /** Detects the spec with no overrides. */
  public static ModelSpec detect(StateDict sd) {
    return detect(sd, MissingNode.getInstance());
  }

  /**
   * Detects the spec, taking fields that the state dict does not determine from {@code spec}.
   *
   * @throws SamException when the checkpoint is not a known architecture or a field is missing
   */
  public static ModelSpec detect(StateDict sd, JsonNode spec) {
    JsonNode enc = spec.path("image_encoder");
    ModelSpec.EncoderSpec encoder;
    if (sd.has("image_encoder.patch_embed.proj.weight")) {
      encoder = vit(sd, enc, spec.path("name").asText(null));
    } else if (sd.has("image_encoder.patch_embed.seq.0.c.weight")) {
      encoder = tinyVit(sd, enc, spec.path("name").asText(null));
    } else if (RepVitDetector.matches(sd)) {
      encoder = RepVitDetector.detect(sd, enc, spec.path("name").asText(null));
    } else if (Sam2Detector.familyOf(sd) != null) {
      throw unsupported("this is a SAM 2-family checkpoint (" + Sam2Detector.familyOf(sd)
          .displayName() + "), not a SAM 1 one: load it through the SAM 2-family loader"
          + " (Sam2Detector, Sam2Config)");
    } else if (io.sam4j.modeling.sam3.Sam3Detector.isSam3(sd)) {
      throw unsupported("this is a SAM 3 checkpoint: a concept-segmentation model (a phrase or"
          + " example boxes in, every matching instance out), not a point/box-prompted SAM; it is"
          + " loaded through the SAM 3 family (io.sam4j.modeling.sam3), not SamModel");
    } else {
      throw unsupported("the checkpoint has no 'image_encoder.patch_embed' or"
          + " 'image_encoder.features' weights: it is not a SAM, MobileSAM, EdgeSAM or compatible"
          + " checkpoint (its first keys: " + firstKeys(sd) + ")");
    }
    int dim = sd.get("prompt_encoder.no_mask_embed.weight").dim(1);
    JsonNode dec = spec.path("mask_decoder");
    int decoderHeads = dec.path("num_heads").asInt(dim == 256 ? 8 : -1);
    if (decoderHeads <= 0) {
      throw unsupported("the mask decoder's head count is not stored in the checkpoint and is not"
          + " the standard 8 (its width is " + dim + "): pass a spec file with"
          + " {\"mask_decoder\": {\"num_heads\": N}}");
    }
    ModelSpec.DecoderSpec decoder = new ModelSpec.DecoderSpec(
        sd.get("mask_decoder.iou_token.weight").dim(1),
        sd.countIndexed("mask_decoder.transformer.layers."),
        decoderHeads,
        sd.get("mask_decoder.mask_tokens.weight").dim(0) - 1,
        sd.countIndexed("mask_decoder.iou_prediction_head.layers."));
    check(decoder.transformerDim() % decoderHeads == 0, "mask_decoder.num_heads " + decoderHeads
        + " does not divide the decoder width " + decoder.transformerDim());
    String name = spec.path("name").asText(encoder.name());
    return new ModelSpec(name, encoder, dim, encoder.imgSize(), decoder);
  }

  private static ModelSpec.VitSpec vit(StateDict sd, JsonNode enc, String givenName) {
    Tensor proj = sd.get("image_encoder.patch_embed.proj.weight");
    int embed = agree(enc, "embed_dim", proj.dim(0));
    int patch = agree(enc, "patch_size", proj.dim(2));
    int grid = sd.has("image_encoder.pos_embed") ? sd.get("image_encoder.pos_embed").dim(1)
        : enc.path("img_size").asInt(1024) / patch;
    int imgSize = agree(enc, "img_size", grid * patch);
    int depth = agree(enc, "depth", sd.countIndexed("image_encoder.blocks."));
    int heads = enc.path("num_heads").asInt(VIT_HEADS.getOrDefault(embed, -1));
    if (heads <= 0) {
      throw unsupported("the image encoder's head count is not stored in the checkpoint and its"
          + " width " + embed + " is not ViT-B/L/H's: pass a spec file with"
          + " {\"image_encoder\": {\"num_heads\": N}}");
    }
    check(embed % heads == 0, "image_encoder.num_heads " + heads + " does not divide " + embed);
    List<Integer> globals = new ArrayList<>();
    int window = -1;
    for (int i = 0; i < depth; i++) {
      String key = "image_encoder.blocks." + i + ".attn.rel_pos_h";
      if (!sd.has(key)) {
        throw unsupported("block " + i + " has no relative position table; ViTs without relative"
            + " positions are not supported");
      }
      int len = sd.get(key).dim(0);
      if (len == 2 * grid - 1) {
        globals.add(i);
      } else {
        int w = (len + 1) / 2;
        check(window < 0 || window == w, "blocks use different window sizes " + window + " and " + w);
        window = w;
      }
    }
    if (enc.has("global_attn_indexes")) {
      List<Integer> given = new ArrayList<>();
      enc.get("global_attn_indexes").forEach(n -> given.add(n.asInt()));
      check(given.equals(globals), "spec says global attention at " + given
          + " but the checkpoint's tables say " + globals);
    }
    window = agree(enc, "window_size", window < 0 ? 14 : window);
    int out = sd.get("image_encoder.neck.0.weight").dim(0);
    String name = givenName != null ? givenName : "vit";
    for (Map.Entry<String, Object[]> e : VIT_NAMES.entrySet()) {
      Object[] v = e.getValue();
      if (givenName == null && v[0].equals(embed) && v[1].equals(depth) && v[2].equals(globals)) {
        name = e.getKey();
      }
    }
    return new ModelSpec.VitSpec(name, imgSize, patch, embed, depth, heads, window, globals, out);
  }

  private static ModelSpec.TinyVitSpec tinyVit(StateDict sd, JsonNode enc, String givenName) {
    String p = "image_encoder.layers.";
    int stages = sd.countIndexed(p);
    check(stages >= 2, "TinyViT needs at least 2 stages, the checkpoint has " + stages);
    int[] dims = new int[stages];
    int[] depths = new int[stages];
    int[] heads = new int[stages];
    int[] windows = new int[stages];
    int localConv = 3;
    for (int i = 0; i < stages; i++) {
      depths[i] = sd.countIndexed(p + i + ".blocks.");
      check(depths[i] > 0, "stage " + i + " has no blocks");
      if (i == 0) {
        dims[i] = sd.get(p + "0.blocks.0.conv1.c.weight").dim(1);
        continue;
      }
      String b = p + i + ".blocks.0.";
      dims[i] = sd.get(b + "attn.qkv.weight").dim(1);
      Tensor biases = sd.get(b + "attn.attention_biases");
      heads[i] = biases.dim(0);
      int ws = (int) Math.round(Math.sqrt(biases.dim(1)));
      check(ws * ws == biases.dim(1), b + "attn.attention_biases has " + biases.dim(1)
          + " offsets, not a square window");
      windows[i] = ws;
      localConv = sd.get(b + "local_conv.c.weight").dim(2);
    }
    int imgSize = agree(enc, "img_size", 1024);
    String name = givenName != null ? givenName
        : Arrays.equals(dims, new int[] {64, 128, 160, 320}) ? "vit_t" : "tiny_vit";
    return new ModelSpec.TinyVitSpec(name, imgSize, dims, depths, heads, windows, localConv);
  }

  private static int agree(JsonNode enc, String field, int fromCheckpoint) {
    if (enc.has(field) && enc.get(field).asInt() != fromCheckpoint) {
      throw unsupported("the spec says image_encoder." + field + " = " + enc.get(field).asInt()
          + " but the checkpoint's weights say " + fromCheckpoint);
    }
    return fromCheckpoint;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw unsupported(what);
    }
  }

  private static String firstKeys(StateDict sd) {
    List<String> keys = new ArrayList<>(sd.keys());
    return keys.subList(0, Math.min(3, keys.size())).toString();
  }

  private static SamException unsupported(String what) {
    return new SamException(SamException.Kind.UNSUPPORTED_MODEL, what);
  }
}
