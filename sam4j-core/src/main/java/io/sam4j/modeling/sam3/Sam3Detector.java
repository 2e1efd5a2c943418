package io.sam4j.modeling.sam3;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.sam2.config.Sam2Detector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Recognises a SAM 3 checkpoint and checks a {@link Sam3Spec} against its tensors. The official
 * {@code sam3.pt} is the video model's flat state dict (optionally under {@code "model"}): keys
 * {@code detector.*} (the image model) and {@code tracker.*}; the image model keeps the
 * {@code detector.*} keys with that prefix removed ({@code model_builder._load_checkpoint}). A
 * state dict of the image model alone ({@code backbone.vision_backbone.*} at the top) is accepted
 * too.
 *
 * <p>Without a spec file the tensors must have the official shapes; a reduced or fine-tuned variant
 * needs its spec ({@link Sam3SpecReader}). Every value the shapes show (widths, depths, heads where
 * a table gives them away, window and global blocks from the RoPE tables, query count...) must
 * agree with the spec: a contradiction is one error naming the value, the tensor and both numbers.
 */
public final class Sam3Detector {
  /** The trunk's keys in the image model's state dict. */
  public static final String TRUNK = "backbone.vision_backbone.trunk.";
  /** The neck's convolutions. */
  public static final String NECK = "backbone.vision_backbone.convs.";
  /** The text encoder ({@code VETextEncoder}). */
  public static final String TEXT = "backbone.language_backbone.";

  private Sam3Detector() {}

  /** True when the state dict is a SAM 3 checkpoint (video model or image model alone). */
  public static boolean isSam3(StateDict sd) {
    return sd.has("detector." + TRUNK + "patch_embed.proj.weight")
        || sd.has(TRUNK + "patch_embed.proj.weight");
  }

  /**
   * The image model's weights: {@code detector.*} with the prefix removed ({@code tracker.*}
   * dropped), or the state dict itself when it holds the image model alone.
   *
   * @throws SamException when the state dict is not a SAM 3 checkpoint (naming what it is)
   */
  public static StateDict detectorWeights(StateDict sd) {
    if (!isSam3(sd)) {
      throw notSam3(sd);
    }
    return sd.has(TRUNK + "patch_embed.proj.weight") ? sd : sd.stripPrefix("detector.");
  }

  /**
   * The spec of a SAM 3 checkpoint: the spec file's, or the official one when {@code specFile} is
   * null, checked against the tensors.
   *
   * @param sd the checkpoint as read (video or image model)
   */
  public static Sam3Spec detect(StateDict sd, Path specFile) {
    StateDict det = detectorWeights(sd);
    Sam3Spec spec = specFile == null ? Sam3Spec.OFFICIAL : Sam3SpecReader.read(specFile);
    check(det, spec, specFile == null ? null : specFile.getFileName().toString());
    return spec;
  }

  /**
   * Checks a spec against the image model's weights.
   *
   * @param specName the spec file's name, or null for the built-in official spec
   */
  public static void check(StateDict det, Sam3Spec spec, String specName) {
    new Checker(det, specName).all(spec);
  }

  private static SamException notSam3(StateDict sd) {
    String what;
    if (Sam2Detector.familyOf(sd) != null) {
      what = "a SAM 2-family checkpoint (" + Sam2Detector.familyOf(sd).displayName()
          + "); load it as such (SamModel.load, 'sam4j segment' without --text)";
    } else if (sd.has("image_encoder.patch_embed.proj.weight")
        || sd.has("image_encoder.patch_embed.seq.0.c.weight") || sd.has("mask_decoder.iou_token.weight")) {
      what = "a SAM 1-family checkpoint (SAM, MobileSAM, EdgeSAM); load it with SamModel.load";
    } else {
      List<String> keys = sd.keys().stream().limit(3).toList();
      what = "not a SAM 3 checkpoint: it has no 'detector." + TRUNK
          + "patch_embed.proj.weight' (its first keys: " + keys + ")";
    }
    return new SamException(SamException.Kind.UNSUPPORTED_MODEL,
        "the checkpoint is not SAM 3 but " + what);
  }

  /** Shape checks with one message format. */
  private record Checker(StateDict sd, String specName) {
    void all(Sam3Spec s) {
      Sam3Spec.Vit v = s.vit();
      int e = v.embedDim();
      shape(TRUNK + "patch_embed.proj.weight", "vit.embed_dim / patch_size",
          e, 3, v.patchSize(), v.patchSize());
      need(v.imgSize() % v.patchSize() == 0 && v.pretrainImgSize() % v.patchSize() == 0,
          "vit.img_size " + v.imgSize() + " and pretrain_img_size " + v.pretrainImgSize()
              + " must be multiples of patch_size " + v.patchSize());
      need(e % v.numHeads() == 0 && v.headDim() % 4 == 0, "vit.num_heads " + v.numHeads()
          + " must divide embed_dim " + e + " into heads of a multiple of 4 channels (2-D RoPE)");
      int pos = v.posGridSize() * v.posGridSize();
      Tensor pe = sd.get(TRUNK + "pos_embed");
      if (pe.rank() != 3 || pe.dim(0) != 1 || pe.dim(2) != e
          || (pe.dim(1) != pos && pe.dim(1) != pos + 1)) {
        throw contradiction("vit.pretrain_img_size " + v.pretrainImgSize() + " (" + pos
            + " positions + class)", TRUNK + "pos_embed", pe);
      }
      count(TRUNK + "blocks.", "vit.depth", v.depth());
      for (int b : v.globalAttBlocks()) {
        need(b >= 0 && b < v.depth(), "vit.global_att_blocks " + v.globalAttBlocks()
            + " must lie in 0.." + (v.depth() - 1));
      }
      int grid = v.gridSize();
      for (int i = 0; i < v.depth(); i++) {
        String b = TRUNK + "blocks." + i + ".";
        int side = v.windowed(i) ? v.windowSize() : grid;
        shape(b + "attn.freqs_cis", "vit.global_att_blocks " + v.globalAttBlocks()
            + " / window_size " + v.windowSize() + " / num_heads (block " + i + " "
            + (v.windowed(i) ? "windowed" : "global") + ")", side * side, v.headDim() / 2);
        shape(b + "attn.qkv.weight", "vit.embed_dim", 3 * e, e);
        shape(b + "mlp.fc1.weight", "vit.mlp_ratio", v.mlpHidden(), e);
      }
      need(v.windowSize() > 0, "vit.window_size " + v.windowSize() + " must be positive");
      shape(TRUNK + "ln_pre.weight", "vit.embed_dim (ln_pre)", e);

      Sam3Spec.Neck n = s.neck();
      count(NECK, "neck.scale_factors " + n.scaleFactors(), n.scaleFactors().size());
      for (int i = 0; i < n.scaleFactors().size(); i++) {
        double f = n.scaleFactors().get(i);
        int in = f == 4.0 ? e / 4 : f == 2.0 ? e / 2 : e;
        need(f == 4.0 || f == 2.0 || f == 1.0 || f == 0.5,
            "neck.scale_factors holds " + f + "; only 4, 2, 1 and 0.5 exist");
        shape(NECK + i + ".conv_1x1.weight", "neck.d_model / scale_factors", n.dModel(), in, 1, 1);
      }
      need(n.scalp() >= 0 && n.scalp() < n.scaleFactors().size(), "neck.scalp " + n.scalp()
          + " must leave at least one of " + n.scaleFactors().size() + " levels");

      Sam3Spec.Text t = s.text();
      String enc = TEXT + "encoder.";
      shape(enc + "token_embedding.weight", "text_encoder.vocab_size / width", t.vocabSize(),
          t.width());
      shape(enc + "positional_embedding", "text_encoder.context_length", t.contextLength(),
          t.width());
      count(enc + "transformer.resblocks.", "text_encoder.layers", t.layers());
      shape(enc + "transformer.resblocks.0.mlp.c_fc.weight", "text_encoder.mlp_ratio",
          t.mlpHidden(), t.width());
      shape(enc + "text_projection", "text_encoder.output_dim", t.width(), t.outputDim());
      shape(TEXT + "resizer.weight", "text_encoder.d_model", t.dModel(), t.width());
      need(t.width() % t.heads() == 0, "text_encoder.heads " + t.heads()
          + " does not divide width " + t.width());

      Sam3Spec.Encoder f = s.encoder();
      count("transformer.encoder.layers.", "encoder.num_layers", f.numLayers());
      shape("transformer.encoder.layers.0.linear1.weight", "encoder.dim_feedforward / d_model",
          f.dimFeedforward(), f.dModel());
      Sam3Spec.Decoder d = s.decoder();
      count("transformer.decoder.layers.", "decoder.num_layers", d.numLayers());
      shape("transformer.decoder.query_embed.weight", "decoder.num_queries / d_model",
          d.numQueries(), d.dModel());
      shape("transformer.decoder.layers.0.linear1.weight", "decoder.dim_feedforward",
          d.dimFeedforward(), d.dModel());
      shape("transformer.decoder.boxRPB_embed_x.layers.1.weight", "decoder.n_heads", d.nHeads(),
          d.dModel());
      need(d.presenceToken() == sd.has("transformer.decoder.presence_token.weight"),
          "decoder.presence_token is " + d.presenceToken() + " but the checkpoint "
              + (d.presenceToken() ? "has no" : "has a") + " transformer.decoder.presence_token");
      Sam3Spec.Geometry g = s.geometry();
      count("geometry_encoder.encode.", "geometry_encoder.num_layers", g.numLayers());
      shape("geometry_encoder.boxes_pool_project.weight", "geometry_encoder.roi_size / d_model",
          g.dModel(), g.dModel(), g.roiSize(), g.roiSize());
      shape("geometry_encoder.encode.0.linear1.weight", "geometry_encoder.dim_feedforward",
          g.dimFeedforward(), g.dModel());
      Sam3Spec.Scoring sc = s.scoring();
      shape("dot_prod_scoring.prompt_mlp.layers.0.weight",
          "dot_product_scoring.prompt_mlp_hidden_dim", sc.promptMlpHidden(), d.dModel());
      shape("dot_prod_scoring.hs_proj.weight", "dot_product_scoring.d_proj", sc.dProj(),
          d.dModel());
      Sam3Spec.SegHead h = s.segmentationHead();
      count("segmentation_head.pixel_decoder.conv_layers.", "segmentation_head.upsampling_stages",
          h.upsamplingStages());
      shape("segmentation_head.instance_seg_head.weight", "segmentation_head.hidden_dim",
          h.hiddenDim(), h.hiddenDim(), 1, 1);
      for (int heads : new int[] {f.numHeads(), d.nHeads(), g.numHeads(),
          h.crossAttendPromptHeads()}) {
        need(d.dModel() % heads == 0, "a head count " + heads + " does not divide d_model "
            + d.dModel());
      }
    }

    private void shape(String key, String field, long... want) {
      if (!sd.has(key)) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the SAM 3 checkpoint has no '"
            + key + "' (" + field + "); it is not the architecture sam4j builds, or it is"
            + " incomplete");
      }
      Tensor t = sd.get(key);
      if (!Arrays.equals(t.shape(), want)) {
        throw contradiction(field + " (expects " + Arrays.toString(want) + ")", key, t);
      }
    }

    private void count(String prefix, String field, int want) {
      int have = sd.countIndexed(prefix);
      if (have != want) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, source() + " says " + field
            + " = " + want + " but the checkpoint has " + have + " of '" + prefix + "N.'"
            + hint());
      }
    }

    private void need(boolean ok, String what) {
      if (!ok) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, source() + ": " + what);
      }
    }

    private SamException contradiction(String field, String key, Tensor t) {
      return new SamException(SamException.Kind.UNSUPPORTED_MODEL, source() + " contradicts the"
          + " checkpoint: " + field + " but '" + key + "' has shape " + Arrays.toString(t.shape())
          + hint());
    }

    private String source() {
      return specName == null ? "the official SAM 3 architecture" : "SAM 3 spec " + specName;
    }

    private String hint() {
      return specName == null ? "; this is not the official sam3.pt: give the model's spec file"
          + " (--spec FILE.json, the format of sam3_fixture.spec.json)"
          : "; fix the spec file or give the checkpoint it was written for";
    }
  }
}
