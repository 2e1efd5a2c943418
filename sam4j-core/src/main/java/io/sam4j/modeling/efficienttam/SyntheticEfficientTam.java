package io.sam4j.modeling.efficienttam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.nn.RandomWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Image encoder weights with the shapes of the official EfficientTAM-Ti or -S and random values
 * (uniform, standard deviation 0.02; norms around 1), for measuring speed without a checkpoint.
 * The embeddings mean nothing.
 *
 * <pre>{@code
 * EfficientTamEncoderSpec spec = SyntheticEfficientTam.spec("efficienttam_ti");
 * OnnxModel encoder = EfficientTamEncoder.graph(SyntheticEfficientTam.weights(spec, 1), spec,
 *     List.of());
 * }</pre>
 */
public final class SyntheticEfficientTam {
  private SyntheticEfficientTam() {}

  /**
   * The official encoder of {@code efficienttam_ti}, {@code efficienttam_s} or their
   * {@code _512x512} variants.
   *
   * @throws IllegalArgumentException for another name
   */
  public static EfficientTamEncoderSpec spec(String name) {
    return EfficientTamEncoderSpec.official(name);
  }

  /** Random weights ({@code image_encoder.*} and {@code no_mem_embed}) for {@code spec}. */
  public static StateDict weights(EfficientTamEncoderSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int d = spec.embedDim();
    int p = spec.patchSize();
    int n = spec.pretrainImgSize() / p;
    String t = VitDet.P + ".";
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(t + "pos_embed", RandomWeights.uniform(rnd, 0, 1, n * n + 1, d));
    m.put(t + "patch_embed.proj.weight", RandomWeights.uniform(rnd, 0, d, 3, p, p));
    m.put(t + "patch_embed.proj.bias", RandomWeights.uniform(rnd, 0, d));
    for (int i = 0; i < spec.depth(); i++) {
      String b = t + "blocks." + i + ".";
      norm(m, rnd, b + "norm1", d);
      linear(m, rnd, b + "attn.qkv", 3 * d, d);
      linear(m, rnd, b + "attn.proj", d, d);
      norm(m, rnd, b + "norm2", d);
      linear(m, rnd, b + "mlp.layers.0", spec.mlpDim(), d);
      linear(m, rnd, b + "mlp.layers.1", d, spec.mlpDim());
    }
    int c = spec.dModel();
    String neck = VitDetNeck.P + ".convs.0.";
    m.put(neck + "conv_1x1.weight", RandomWeights.uniform(rnd, 0, c, d, 1, 1));
    norm(m, rnd, neck + "norm_0", c);
    m.put(neck + "conv_3x3.weight", RandomWeights.uniform(rnd, 0, c, c, 3, 3));
    norm(m, rnd, neck + "norm_1", c);
    m.put("no_mem_embed", RandomWeights.uniform(rnd, 0, 1, 1, c));
    return new StateDict(m, "synthetic EfficientTAM " + spec.embedDim() + "-wide");
  }

  private static void linear(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int out,
      int in) {
    m.put(prefix + ".weight", RandomWeights.uniform(rnd, 0, out, in));
    m.put(prefix + ".bias", RandomWeights.uniform(rnd, 0, out));
  }

  private static void norm(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int c) {
    m.put(prefix + ".weight", RandomWeights.uniform(rnd, 1, c));
    m.put(prefix + ".bias", RandomWeights.uniform(rnd, 0, c));
  }

}
