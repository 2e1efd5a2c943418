package io.sam4j.modeling.sam2;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.edgetam.TimmBackbone;
import io.sam4j.modeling.efficienttam.EfficientTamEncoder;
import io.sam4j.modeling.efficienttam.EfficientTamEncoderSpec;
import io.sam4j.modeling.sam2.config.FpnNeckSpec;
import io.sam4j.modeling.sam2.config.HieraSpec;
import io.sam4j.modeling.sam2.config.ImageEncoderSpec;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.modeling.sam2.config.Sam2TrunkSpec;
import io.sam4j.modeling.sam2.config.TimmRepVitTrunkSpec;
import io.sam4j.modeling.sam2.config.VitDetNeckSpec;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SAM 2 family's image encoder graph per {@link Sam2Graphs}: {@code image} [1, 3, S, S] to
 * {@code image_embeddings} (the last neck level kept after {@code scalp}, plus {@code no_mem_embed}
 * when {@code directly_add_no_mem_embed}) and, when the decoder uses high-resolution features,
 * {@code high_res_feats_0/1} (neck levels 0 and 1 through {@code sam_mask_decoder.conv_s0/conv_s1},
 * as {@code SAM2Base.forward_image} stores them).
 *
 * <p>Encoders: Hiera ({@link HieraSpec}) with {@link FpnNeck} here; EdgeTAM's RepViT plugs in as
 * another {@link Sam2Trunk} in {@link #trunk}, EfficientTAM's ViT and one-level ViTDet neck as a
 * {@link Sam2Backbone} in {@link #backbone}.
 */
public final class Sam2Encoders {
  private Sam2Encoders() {}

  /** The fp32 encoder graph with ONNX Runtime's fused operators where they help. */
  public static OnnxModel graph(StateDict sd, Sam2ModelSpec spec, List<String> taps) {
    return graph(new GraphBuilder("sam4j_sam2_image_encoder"), sd, spec, taps, Precision.FP32);
  }

  /** The encoder graph with linear layers in {@code precision} (int8: dynamic quantization). */
  public static OnnxModel graph(StateDict sd, Sam2ModelSpec spec, List<String> taps,
      Precision precision) {
    return graph(new GraphBuilder("sam4j_sam2_image_encoder"), sd, spec, taps, precision);
  }

  /** The fp32 encoder graph in standard ONNX operators only, for other runtimes. */
  public static OnnxModel exportGraph(StateDict sd, Sam2ModelSpec spec) {
    return graph(new GraphBuilder("sam4j_sam2_image_encoder", true), sd, spec, List.of(),
        Precision.FP32);
  }

  /**
   * The encoder graph.
   *
   * @param taps reference module names to expose as extra outputs
   *     ({@code image_encoder.trunk.blocks.3}, {@code image_encoder.neck.features.0},
   *     {@code sam_mask_decoder.conv_s0}, ...)
   */
  public static OnnxModel graph(GraphBuilder g, StateDict sd, Sam2ModelSpec spec,
      List<String> taps, Precision precision) {
    if (spec.encoder() instanceof ImageEncoderSpec e && e.neck() instanceof VitDetNeckSpec) {
      // EfficientTAM: a plain ViT and one neck level, no high-resolution features
      return EfficientTamEncoder.graph(g, sd, EfficientTamEncoderSpec.fromConfig(spec.model()),
          taps, precision);
    }
    int s = spec.imageSize();
    Value image = g.input(Sam2Graphs.IMAGE, ElemType.FLOAT, 1, 3, s, s);
    Map<String, Value> found = new LinkedHashMap<>();
    ImageEncoderSpec enc = (ImageEncoderSpec) spec.encoder();
    Layers nn = new Layers(g, sd, precision);
    List<Value> features = backbone(sd, spec, precision).build(g, image, found);
    features = features.subList(0, features.size() - enc.scalp());
    Value last = features.get(features.size() - 1);
    if (!g.portable()) {
      // the raw level for the video predictor's memory (the image predictor's has no_mem_embed)
      g.output(Sam2Graphs.VISION_FEATURES, last);
    }
    if (spec.model().path("directly_add_no_mem_embed").asBoolean(false)) {
      Tensor t = sd.get("no_mem_embed");
      last = nn.add(last, g.weight("no_mem_embed.nchw", t.toFloatArray(), 1, t.numel(), 1, 1));
    }
    g.output(Sam2Graphs.IMAGE_EMBEDDINGS, last);
    if (spec.heads().useHighResFeaturesInSam()) {
      Value s0 = nn.conv2d("sam_mask_decoder.conv_s0", features.get(0), 1, 0, 1);
      Value s1 = nn.conv2d("sam_mask_decoder.conv_s1", features.get(1), 1, 0, 1);
      found.put("sam_mask_decoder.conv_s0", s0);
      found.put("sam_mask_decoder.conv_s1", s1);
      g.output(Sam2Graphs.HIGH_RES_FEATS_0, s0);
      g.output(Sam2Graphs.HIGH_RES_FEATS_1, s1);
    }
    for (String t : taps) {
      Value v = found.get(t);
      if (v == null) {
        throw new IllegalArgumentException("no module '" + t + "'; known: " + found.keySet());
      }
      g.output(t, v);
    }
    return g.build();
  }

  /**
   * Trunk and neck for a spec: the place a new SAM 2-family encoder is added (EdgeTAM's RepViT as
   * a {@link Sam2Trunk} in {@link #trunk}, EfficientTAM's ViT with its ViTDet neck here).
   */
  public static Sam2Backbone backbone(StateDict sd, Sam2ModelSpec spec, Precision precision) {
    ImageEncoderSpec enc = (ImageEncoderSpec) spec.encoder();
    if (enc.neck() instanceof FpnNeckSpec fpn) {
      Sam2Trunk trunk = trunk(sd, spec, precision);
      return (g, image, taps) -> new FpnNeck(fpn).build(new Layers(g, sd, precision),
          trunk.build(g, image, taps), spec.imageSize(), taps).features();
    }
    throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the image encoder of "
        + spec.name() + " (" + enc.trunk().name() + " trunk, "
        + enc.neck().getClass().getSimpleName() + ") is not built here yet");
  }

  /** The trunk for a spec that uses {@link FpnNeck}. */
  public static Sam2Trunk trunk(StateDict sd, Sam2ModelSpec spec, Precision precision) {
    Sam2TrunkSpec t = ((ImageEncoderSpec) spec.encoder()).trunk();
    if (t instanceof HieraSpec h) {
      return new Hiera(sd, h, spec.imageSize(), precision);
    }
    if (t instanceof TimmRepVitTrunkSpec && TimmBackbone.matches(sd)) {
      // EdgeTAM: timm's RepViT, widths and depths from the checkpoint (batch norm folded)
      return new TimmBackbone(sd)::build;
    }
    throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "the " + t.name() + " trunk of "
        + spec.name() + " is not built here yet");
  }
}
