package io.sam4j.modeling.sam3;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.backbone.Sam3DualViTDetNeck;
import io.sam4j.modeling.sam3.backbone.Vit;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAM 3's image encoder graph (the vision half of {@code SAM3VLBackbone}): {@link #IMAGE}
 * [1, 3, S, S] (from {@code io.sam4j.transform.Sam3Preprocessor}) to the detector's FPN levels
 * {@code backbone_fpn_0..L-1} [1, d_model, h, w], finest first; the last one is the reference's
 * {@code vision_features}. Their position encodings are constants
 * ({@link Sam3DualViTDetNeck#positionEncodings}). The graph runs once per image.
 */
public final class Sam3ImageEncoder {
  /** The input: the normalised image. */
  public static final String IMAGE = "image";
  /** Output name prefix of the FPN levels. */
  public static final String FPN = "backbone_fpn_";
  /** The trunk's output [1, C, G, G], a tap. */
  public static final String TRUNK_OUTPUT = "trunk_output";

  private Sam3ImageEncoder() {}

  /**
   * The encoder graph.
   *
   * @param det the image model's weights ({@link Sam3Detector#detectorWeights})
   * @param taps extra outputs: {@link #TRUNK_OUTPUT}, the trunk's {@code ln_pre} or block keys
   *     ({@code backbone.vision_backbone.trunk.ln_pre}, {@code ...trunk.blocks.N}, [1, G, G, C])
   */
  public static OnnxModel graph(StateDict det, Sam3Spec spec, List<String> taps) {
    return graph(det, spec, taps, Precision.FP32);
  }

  /** The encoder graph with the ViT's linear layers in {@code precision} (int8: dynamic). */
  public static OnnxModel graph(StateDict det, Sam3Spec spec, List<String> taps,
      Precision precision) {
    return graph(det, spec, taps, precision, false);
  }

  /**
   * The encoder graph; {@code portable} keeps to standard ONNX operators (the reference's order of
   * operations, for other runtimes and as a check of the fused graph).
   */
  public static OnnxModel graph(StateDict det, Sam3Spec spec, List<String> taps,
      Precision precision, boolean portable) {
    GraphBuilder g = new GraphBuilder("sam4j_sam3_image_encoder", portable);
    int s = spec.imageSize();
    Value image = g.input(IMAGE, ElemType.FLOAT, 1, 3, s, s);
    Layers nn = new Layers(g, det, precision);
    Map<String, Value> found = new LinkedHashMap<>();
    String trunk = Sam3Detector.TRUNK.substring(0, Sam3Detector.TRUNK.length() - 1);
    Value t = new Vit(nn, spec.vit(), trunk).build(image, taps, found);
    found.put(TRUNK_OUTPUT, t);
    String neck = Sam3Detector.NECK.substring(0, Sam3Detector.NECK.length() - 1);
    List<Value> levels = new Sam3DualViTDetNeck(nn, spec.neck(), neck).build(t);
    for (int i = 0; i < levels.size(); i++) {
      g.output(FPN + i, levels.get(i));
    }
    for (String tap : taps) {
      Value v = found.get(tap);
      if (v == null) {
        throw new IllegalArgumentException("no tap '" + tap + "'; known: " + TRUNK_OUTPUT + ", "
            + trunk + ".ln_pre, " + trunk + ".blocks.0.." + spec.vit().lastGlobalBlock());
      }
      g.output(tap, v);
    }
    return g.build();
  }
}
