package io.sam4j.modeling;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.edgesam.RepVitSpec;
import io.sam4j.modeling.edgesam.SyntheticEdgeSam;
import io.sam4j.modeling.efficienttam.EfficientTamEncoder;
import io.sam4j.modeling.efficienttam.EfficientTamEncoderSpec;
import io.sam4j.modeling.efficienttam.SyntheticEfficientTam;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.modeling.sam.SyntheticVit;
import io.sam4j.modeling.sam2.Sam2Encoders;
import io.sam4j.modeling.sam2.SyntheticSam2;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.RuntimeOptions.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The official image encoders of every family with random weights of their shapes, for measuring
 * speed where no checkpoint is at hand: SAM's ViT-B/L/H, SAM 2 / 2.1's Hiera-T/S/B+/L,
 * EfficientTAM-Ti/S, EdgeTAM's RepViT-M1 with its FPN neck, EdgeSAM's RepViT, SAM 3's ViT and
 * detector neck. Each graph takes
 * its family's normalized image [1, 3, S, S] and gives the image embeddings (SAM 2 family: also
 * the high-resolution features).
 *
 * <pre>{@code
 * SyntheticEncoders.Arch a = SyntheticEncoders.get("hiera_t");
 * OnnxModel graph = a.graph(Precision.FP32);
 * }</pre>
 */
public final class SyntheticEncoders {
  /**
   * One architecture.
   *
   * @param name the name {@code bench-synthetic --arch} takes
   * @param imageSize S
   * @param inputName the graph's input
   * @param outputName the image embeddings output
   * @param build the encoder graph for a precision (weights made on each call)
   */
  public record Arch(String name, int imageSize, String inputName, String outputName,
      Function<Precision, OnnxModel> build) {
    /** The encoder graph with random weights, linear layers in {@code precision}. */
    public OnnxModel graph(Precision precision) {
      return build.apply(precision);
    }
  }

  private static final Map<String, String> SAM2_CONFIGS = new LinkedHashMap<>();

  static {
    SAM2_CONFIGS.put("hiera_t", "sam2.1_hiera_t");
    SAM2_CONFIGS.put("hiera_s", "sam2.1_hiera_s");
    SAM2_CONFIGS.put("hiera_b+", "sam2.1_hiera_b+");
    SAM2_CONFIGS.put("hiera_l", "sam2.1_hiera_l");
    SAM2_CONFIGS.put("edgetam", "edgetam");
  }

  private SyntheticEncoders() {}

  /** Every name, in the order {@code bench-synthetic --help} lists them. */
  public static List<String> names() {
    List<String> n = new java.util.ArrayList<>(List.of("vit_b", "vit_l", "vit_h"));
    n.addAll(List.of("hiera_t", "hiera_s", "hiera_b+", "hiera_l", "efficienttam_ti",
        "efficienttam_s", "edgetam", "edge_sam", "sam3"));
    return n;
  }

  /**
   * SAM 3's image encoder (ViT and detector neck) for a spec: the official one, or a reduced one
   * from a spec file; the output is the last FPN level.
   */
  public static Arch sam3(io.sam4j.modeling.sam3.Sam3Spec spec) {
    int levels = spec.neck().levels();
    return new Arch("sam3", spec.imageSize(), io.sam4j.modeling.sam3.Sam3ImageEncoder.IMAGE,
        io.sam4j.modeling.sam3.Sam3ImageEncoder.FPN + (levels - 1),
        p -> io.sam4j.modeling.sam3.Sam3ImageEncoder.graph(
            io.sam4j.modeling.sam3.SyntheticSam3.weights(spec, 1,
                io.sam4j.modeling.sam3.SyntheticSam3.Part.IMAGE), spec, List.of(), p));
  }

  /**
   * An architecture by name; {@code depth} keeps only the first blocks of a ViT (null: all).
   *
   * @throws IllegalArgumentException for an unknown name, or a depth for another family
   */
  public static Arch get(String name, Integer depth) {
    if (name.startsWith("vit_")) {
      ModelSpec.VitSpec vit = SyntheticVit.spec(name);
      ModelSpec.VitSpec v = depth == null ? vit : SyntheticVit.truncated(vit, depth);
      ModelSpec spec = SyntheticVit.model(v);
      return new Arch(name, spec.imageSize(), SamGraphs.IMAGE, SamGraphs.IMAGE_EMBEDDINGS,
          p -> SamGraphs.encoder(SyntheticVit.weights(v, 1), spec, List.of(),
              GraphBuilder.DEFAULT_INLINE_LIMIT, p));
    }
    if (name.equals("sam3")) {
      return sam3(io.sam4j.modeling.sam3.SyntheticSam3.official(depth));
    }
    if (depth != null) {
      throw new IllegalArgumentException("--depth applies to vit_b, vit_l, vit_h and sam3 only");
    }
    if (SAM2_CONFIGS.containsKey(name)) {
      Sam2ModelSpec spec = Sam2Config.official(SAM2_CONFIGS.get(name));
      return new Arch(name, spec.imageSize(), io.sam4j.modeling.sam2.Sam2Graphs.IMAGE,
          io.sam4j.modeling.sam2.Sam2Graphs.IMAGE_EMBEDDINGS,
          p -> Sam2Encoders.graph(SyntheticSam2.encoderWeights(spec, 1), spec, List.of(), p));
    }
    if (name.equals("efficienttam_ti") || name.equals("efficienttam_s")) {
      EfficientTamEncoderSpec spec = SyntheticEfficientTam.spec(name);
      return new Arch(name, spec.imageSize(), io.sam4j.modeling.sam2.Sam2Graphs.IMAGE,
          io.sam4j.modeling.sam2.Sam2Graphs.IMAGE_EMBEDDINGS,
          p -> EfficientTamEncoder.graph(SyntheticEfficientTam.weights(spec, 1), spec,
              List.of(), p, false));
    }
    if (name.equals("edge_sam")) {
      RepVitSpec enc = RepVitSpec.edgeSam();
      ModelSpec spec = SyntheticEdgeSam.model(enc);
      return new Arch(name, spec.imageSize(), SamGraphs.IMAGE, SamGraphs.IMAGE_EMBEDDINGS, p -> {
        StateDict sd = SyntheticEdgeSam.weights(enc, 1);
        return SamGraphs.encoder(sd, spec, List.of(), GraphBuilder.DEFAULT_INLINE_LIMIT, p);
      });
    }
    throw new IllegalArgumentException("no architecture called '" + name + "'; known: "
        + String.join(", ", names()));
  }
}
