package io.sam4j.modeling.efficienttam;

import io.sam4j.SamException;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EfficientTAM's image path as the image predictor runs it: {@code backbones/image_encoder.ImageEncoder}
 * ({@link VitDet} trunk, {@link VitDetNeck}, {@code scalp} 0) and then {@code no_mem_embed} added
 * to the features ({@code directly_add_no_mem_embed}). There are no high-resolution features
 * ({@code use_high_res_features_in_sam} is forced off). The graph follows {@link Sam2Graphs}:
 * {@code image} [1, 3, S, S] to {@code image_embeddings} [1, C, S/16, S/16].
 *
 * <pre>{@code
 * EfficientTamEncoderSpec spec = EfficientTamEncoderSpec.official("efficienttam_ti");
 * OnnxModel encoder = EfficientTamEncoder.graph(stateDict, spec, List.of());
 * }</pre>
 */
public final class EfficientTamEncoder {
  /** The tap name of the neck's position encoding, [1, C, S/16, S/16]. */
  public static final String POSITION_ENCODING = VitDetNeck.P + ".position_encoding";
  private final StateDict sd;
  private final EfficientTamEncoderSpec spec;
  private final Precision precision;

  /**
   * An encoder over the model's state dict ({@code image_encoder.*} and {@code no_mem_embed} keys).
   */
  public EfficientTamEncoder(StateDict sd, EfficientTamEncoderSpec spec, Precision precision) {
    this.sd = sd;
    this.spec = spec;
    this.precision = precision;
  }

  /**
   * Adds the encoder to {@code g}.
   *
   * @param image the normalized image [1, 3, S, S]
   * @param taps receives every module's output by its reference name, in the reference's layout:
   *     {@code image_encoder.trunk.patch_embed} and {@code .blocks.N} [1, H, W, C_trunk],
   *     {@code image_encoder.trunk} [1, C_trunk, H, W], {@code image_encoder.neck} [1, C, H, W]
   * @return one value: the image embeddings (neck output plus {@code no_mem_embed}) [1, C, H, W]
   */
  public List<Value> build(GraphBuilder g, Value image, Map<String, Value> taps) {
    requireKeys(sd, spec);
    Layers nn = new Layers(g, sd, precision);
    Value trunk = new VitDet(nn, spec).build(image, taps);
    Value features = new VitDetNeck(nn, spec).build(trunk, taps);
    float[] noMem = sd.get("no_mem_embed", 1, 1, spec.dModel()).toFloatArray();
    Value embed = g.weight("no_mem_embed.nchw", noMem, 1, spec.dModel(), 1, 1);
    return List.of(nn.add(features, embed));
  }

  /** The float32 encoder graph for ONNX Runtime, with {@code taps} as extra outputs. */
  public static OnnxModel graph(StateDict sd, EfficientTamEncoderSpec spec, List<String> taps) {
    return graph(sd, spec, taps, Precision.FP32, false);
  }

  /**
   * The encoder graph.
   *
   * @param taps module names to expose as extra outputs (see {@link #build}), and
   *     {@link #POSITION_ENCODING}
   * @param portable standard ONNX operators only (for other runtimes)
   * @throws IllegalArgumentException naming the known modules when a tap is unknown
   */
  public static OnnxModel graph(StateDict sd, EfficientTamEncoderSpec spec, List<String> taps,
      Precision precision, boolean portable) {
    return graph(new GraphBuilder("sam4j_efficienttam_image_encoder", portable), sd, spec, taps,
        precision);
  }

  /** The encoder graph on a builder of the caller's (one with a layer rewriter, say). */
  public static OnnxModel graph(GraphBuilder g, StateDict sd, EfficientTamEncoderSpec spec,
      List<String> taps, Precision precision) {
    boolean portable = g.portable();
    int s = spec.imageSize();
    Value image = g.input(Sam2Graphs.IMAGE, ElemType.FLOAT, 1, 3, s, s);
    Map<String, Value> found = new LinkedHashMap<>();
    Value emb = new EfficientTamEncoder(sd, spec, precision).build(g, image, found).get(0);
    g.output(Sam2Graphs.IMAGE_EMBEDDINGS, emb);
    if (!portable) {
      // the raw neck output for the video predictor's memory (no no_mem_embed)
      g.output(Sam2Graphs.VISION_FEATURES, found.get("image_encoder.neck"));
    }
    for (String t : taps) {
      if (t.equals(POSITION_ENCODING)) {
        int e = spec.gridSize();
        g.output(t, g.op("Identity", g.floats(positionEncoding(spec), 1, spec.numPosFeats(), e, e)));
        continue;
      }
      Value v = found.get(t);
      if (v == null) {
        throw new IllegalArgumentException("no module '" + t + "'; known: " + found.keySet()
            + " and " + POSITION_ENCODING);
      }
      g.output(t, v);
    }
    return g.build();
  }

  /**
   * The neck's sine position encoding ({@code vision_pos_enc}) of the S/16 grid,
   * [numPosFeats, S/16, S/16]: a constant of the spec, which the memory attention adds.
   */
  public static float[] positionEncoding(EfficientTamEncoderSpec spec) {
    return VitDetNeck.positionEncoding(spec);
  }

  /** Checks that {@code sd} holds this encoder's trunk, neck and {@code no_mem_embed}. */
  private static void requireKeys(StateDict sd, EfficientTamEncoderSpec spec) {
    String last = VitDet.P + ".blocks." + (spec.depth() - 1) + ".norm1.weight";
    if (!sd.has(last) || !sd.has("no_mem_embed")) {
      throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "not an EfficientTAM checkpoint"
          + " for this config: " + (sd.has(last) ? "no_mem_embed" : last) + " is missing");
    }
  }
}
