package io.sam4j.modeling.edgetam;

import io.sam4j.checkpoint.Tensor;
import io.sam4j.modeling.nn.RandomWeights;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random weights with the key layout and shapes of timm's {@code repvit_m1} as EdgeTAM's trunk
 * holds it ({@code image_encoder.trunk.body.*}, legacy token mixers, batch norm unfolded): widths
 * 48/96/192/384, depths 2/2/14/2, squeeze-excite on every other block of a stage starting with
 * the first. For measuring speed without a checkpoint; the values mean nothing.
 */
public final class SyntheticTimmRepVit {
  /** {@code repvit_m1}'s stage widths. */
  public static final int[] M1_WIDTHS = {48, 96, 192, 384};
  /** {@code repvit_m1}'s stage depths. */
  public static final int[] M1_DEPTHS = {2, 2, 14, 2};
  private static final String P = TimmBackbone.P + ".";

  private SyntheticTimmRepVit() {}

  /** Adds a trunk of the given widths and depths to {@code m}. */
  public static void put(Map<String, Tensor> m, SplittableRandom rnd, int[] widths, int[] depths) {
    RandomWeights.convBn(m, rnd, P + "stem.conv1", widths[0] / 2, 3, 3);
    RandomWeights.convBn(m, rnd, P + "stem.conv2", widths[0], widths[0] / 2, 3);
    for (int s = 0; s < widths.length; s++) {
      String stage = P + "stages_" + s + ".";
      int c = widths[s];
      if (s > 0) {
        int prev = widths[s - 1];
        block(m, rnd, stage + "downsample.pre_block.", prev, false);
        RandomWeights.convBn(m, rnd, stage + "downsample.spatial_downsample", prev, 1, 3);
        RandomWeights.convBn(m, rnd, stage + "downsample.channel_downsample", c, prev, 1);
        RandomWeights.convBn(m, rnd, stage + "downsample.ffn.conv1", 2 * c, c, 1);
        RandomWeights.convBn(m, rnd, stage + "downsample.ffn.conv2", c, 2 * c, 1);
      }
      for (int i = 0; i < depths[s]; i++) {
        block(m, rnd, stage + "blocks." + i + ".", c, i % 2 == 0);
      }
    }
  }

  private static void block(Map<String, Tensor> m, SplittableRandom rnd, String p, int c,
      boolean se) {
    RandomWeights.convBn(m, rnd, p + "token_mixer.conv", c, 1, 3);
    RandomWeights.convBn(m, rnd, p + "token_mixer.conv1", c, 1, 1);
    if (se) {
      int r = Math.max(8, (c / 4 + 4) / 8 * 8);
      m.put(p + "se.fc1.weight", RandomWeights.uniform(rnd, 0, r, c, 1, 1));
      m.put(p + "se.fc1.bias", RandomWeights.uniform(rnd, 0, r));
      m.put(p + "se.fc2.weight", RandomWeights.uniform(rnd, 0, c, r, 1, 1));
      m.put(p + "se.fc2.bias", RandomWeights.uniform(rnd, 0, c));
    }
    RandomWeights.convBn(m, rnd, p + "channel_mixer.conv1", 2 * c, c, 1);
    RandomWeights.convBn(m, rnd, p + "channel_mixer.conv2", c, 2 * c, 1);
  }

}
