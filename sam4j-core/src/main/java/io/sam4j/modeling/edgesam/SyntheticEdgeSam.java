package io.sam4j.modeling.edgesam;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.nn.RandomWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Image encoder weights with the shapes of the official EdgeSAM ({@link RepVitSpec#edgeSam()}) and
 * random values (convolutions uniform with standard deviation 0.02, batch norms the identity with
 * slight noise), for measuring speed without the checkpoint; the embeddings mean nothing. Keys are
 * those of {@code edge_sam.pth} (without the unused {@code num_batches_tracked} counters).
 *
 * <pre>{@code
 * RepVitSpec spec = RepVitSpec.edgeSam();
 * StateDict encoderWeights = SyntheticEdgeSam.weights(spec, 1);
 * }</pre>
 */
public final class SyntheticEdgeSam {
  private static final String P = "image_encoder.";

  private SyntheticEdgeSam() {}

  /** A full spec around the encoder (SAM's prompt encoder and mask decoder dimensions). */
  public static ModelSpec model(RepVitSpec encoder) {
    return new ModelSpec(encoder.name(), encoder, encoder.outChans(), encoder.imgSize(),
        new ModelSpec.DecoderSpec(encoder.outChans(), 2, 8, 3, 3));
  }

  /** Random encoder weights ({@code image_encoder.*} keys only) for {@code spec}. */
  public static StateDict weights(RepVitSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    int c0 = spec.stemChannels();
    RandomWeights.convBn(m, rnd, P + "features.0.0", c0 / 2, 3, 3);
    RandomWeights.convBn(m, rnd, P + "features.0.2", c0, c0 / 2, 3);
    int in = c0;
    for (int i = 0; i < spec.blocks().size(); i++) {
      RepVitSpec.Block b = spec.blocks().get(i);
      String f = P + "features." + (i + 1) + ".";
      int k = b.kernel();
      if (b.stride() == 1 && b.channels() == in) {
        RandomWeights.convBn(m, rnd, f + "token_mixer.0.conv", in, 1, k);
        RandomWeights.convBn(m, rnd, f + "token_mixer.0.conv1", in, 1, 1);
      } else {
        RandomWeights.convBn(m, rnd, f + "token_mixer.0", in, 1, k);
        RandomWeights.convBn(m, rnd, f + "token_mixer.2", b.channels(), in, 1);
      }
      if (b.se()) {
        int rd = makeDivisible(in / 4.0, 8);
        conv(m, rnd, f + "token_mixer.1.fc1", rd, in, 1, true);
        conv(m, rnd, f + "token_mixer.1.fc2", in, rd, 1, true);
      }
      int c = b.channels();
      RandomWeights.convBn(m, rnd, f + "channel_mixer.m.0", 2 * c, c, 1);
      RandomWeights.convBn(m, rnd, f + "channel_mixer.m.2", c, 2 * c, 1);
      in = c;
    }
    int out = spec.outChans();
    int neckIn = in;
    if (spec.fuse()) {
      int s2 = spec.blocks().get(spec.stageEnds().get(2)).channels();
      int s3 = spec.blocks().get(spec.stageEnds().get(3)).channels();
      conv(m, rnd, P + "fuse_stage2", spec.fuseChans(), s2, 1, false);
      conv(m, rnd, P + "fuse_stage3.op_list.0", spec.fuseChans(), s3, 1, false);
      neckIn = spec.fuseChans();
    }
    conv(m, rnd, P + "neck.0", out, neckIn, 1, false);
    norm(m, rnd, P + "neck.1", out);
    conv(m, rnd, P + "neck.2", out, out, 3, false);
    norm(m, rnd, P + "neck.3", out);
    return new StateDict(m, "synthetic " + spec.name());
  }

  /** timm's {@code make_divisible(v, divisor, round_limit=0)}. */
  static int makeDivisible(double v, int divisor) {
    return Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
  }

  private static void conv(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int out,
      int in, int k, boolean bias) {
    m.put(prefix + ".weight", RandomWeights.uniform(rnd, 0, out, in, k, k));
    if (bias) {
      m.put(prefix + ".bias", RandomWeights.uniform(rnd, 0, out));
    }
  }

  private static void norm(Map<String, Tensor> m, SplittableRandom rnd, String prefix, int c) {
    m.put(prefix + ".weight", RandomWeights.uniform(rnd, 1, c));
    m.put(prefix + ".bias", RandomWeights.uniform(rnd, 0, c));
  }

}
