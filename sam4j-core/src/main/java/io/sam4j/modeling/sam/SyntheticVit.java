package io.sam4j.modeling.sam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.nn.RandomWeights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Image encoder weights with the shapes of SAM's ViT-B, ViT-L or ViT-H and random values (uniform,
 * standard deviation 0.02 like a fresh initialization; norms around 1): the official
 * architectures, for measuring speed on a machine that has no checkpoint. The embeddings mean
 * nothing.
 *
 * <pre>{@code
 * ModelSpec.VitSpec spec = SyntheticVit.spec("vit_h");
 * StateDict encoderWeights = SyntheticVit.weights(spec, 1);
 * }</pre>
 */
public final class SyntheticVit {
  private static final String P = "image_encoder.";

  private SyntheticVit() {}

  /**
   * The reference's {@code build_sam_vit_b/l/h} encoder arguments.
   *
   * @throws IllegalArgumentException for another name
   */
  public static ModelSpec.VitSpec spec(String name) {
    return switch (name) {
      case "vit_b" -> vit(name, 768, 12, 12, List.of(2, 5, 8, 11));
      case "vit_l" -> vit(name, 1024, 24, 16, List.of(5, 11, 17, 23));
      case "vit_h" -> vit(name, 1280, 32, 16, List.of(7, 15, 23, 31));
      default -> throw new IllegalArgumentException("no ViT called '" + name
          + "'; known: vit_b, vit_l, vit_h");
    };
  }

  private static ModelSpec.VitSpec vit(String name, int dim, int depth, int heads,
      List<Integer> global) {
    return new ModelSpec.VitSpec(name, 1024, 16, dim, depth, heads, 14, global, 256);
  }

  /** The same architecture with only its first {@code depth} blocks (for quick runs). */
  public static ModelSpec.VitSpec truncated(ModelSpec.VitSpec spec, int depth) {
    if (depth < 1 || depth > spec.depth()) {
      throw new IllegalArgumentException("depth " + depth + " is not in 1.." + spec.depth());
    }
    return new ModelSpec.VitSpec(spec.name(), spec.imgSize(), spec.patchSize(), spec.embedDim(),
        depth, spec.numHeads(), spec.windowSize(),
        spec.globalAttnIndexes().stream().filter(i -> i < depth).toList(), spec.outChans());
  }

  /** A full spec around the encoder (SAM's prompt encoder and mask decoder dimensions). */
  public static ModelSpec model(ModelSpec.VitSpec encoder) {
    return new ModelSpec(encoder.name(), encoder, 256, encoder.imgSize(),
        new ModelSpec.DecoderSpec(256, 2, 8, 3, 3));
  }

  /** Random encoder weights ({@code image_encoder.*} keys only) for {@code spec}. */
  public static StateDict weights(ModelSpec.VitSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int d = spec.embedDim();
    int g = spec.imgSize() / spec.patchSize();
    int hd = d / spec.numHeads();
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(P + "patch_embed.proj.weight", RandomWeights.uniform(rnd, 0, d, 3, spec.patchSize(), spec.patchSize()));
    m.put(P + "patch_embed.proj.bias", RandomWeights.uniform(rnd, 0, d));
    m.put(P + "pos_embed", RandomWeights.uniform(rnd, 0, 1, g, g, d));
    for (int i = 0; i < spec.depth(); i++) {
      String b = P + "blocks." + i + ".";
      norm(m, rnd, b + "norm1", d);
      linear(m, rnd, b + "attn.qkv", 3 * d, d);
      linear(m, rnd, b + "attn.proj", d, d);
      int span = 2 * (spec.globalAttnIndexes().contains(i) ? g : spec.windowSize()) - 1;
      m.put(b + "attn.rel_pos_h", RandomWeights.uniform(rnd, 0, span, hd));
      m.put(b + "attn.rel_pos_w", RandomWeights.uniform(rnd, 0, span, hd));
      norm(m, rnd, b + "norm2", d);
      linear(m, rnd, b + "mlp.lin1", 4 * d, d);
      linear(m, rnd, b + "mlp.lin2", d, 4 * d);
    }
    int out = spec.outChans();
    m.put(P + "neck.0.weight", RandomWeights.uniform(rnd, 0, out, d, 1, 1));
    norm(m, rnd, P + "neck.1", out);
    m.put(P + "neck.2.weight", RandomWeights.uniform(rnd, 0, out, out, 3, 3));
    norm(m, rnd, P + "neck.3", out);
    return new StateDict(m, "synthetic " + spec.name());
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
