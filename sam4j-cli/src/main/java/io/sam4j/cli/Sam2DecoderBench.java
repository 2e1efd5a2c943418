package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.efficienttam.SyntheticEfficientTam;
import io.sam4j.modeling.nn.RandomWeights;
import io.sam4j.modeling.sam2.SyntheticSam2;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.RuntimeOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench-synthetic}'s {@code decoder_ms} for the SAM 2 family (hiera_*, edgetam,
 * efficienttam_*): the whole model with random weights of the official shapes, an image of random
 * pixels encoded once, then {@code predict} with one point and multimask output (prompt encoder,
 * mask decoder, three masks upscaled to the 1024 x 1024 image), as the reference's "predict"
 * figure in SPEED_ANCHORS.md is taken.
 */
final class Sam2DecoderBench {
  private static final int WARMUPS = 10;
  private static final int SIDE = 1024;

  private Sam2DecoderBench() {}

  /** The official config's name for a bench-synthetic arch, or null when it has none. */
  static String config(String arch) {
    return switch (arch) {
      case "hiera_t", "hiera_s", "hiera_b+", "hiera_l" -> "sam2.1_" + arch;
      case "edgetam", "efficienttam_ti", "efficienttam_s" -> arch;
      default -> null;
    };
  }

  static void predict(ObjectNode out, String arch, int runs, int threads,
      ProgressListener progress) {
    Sam2ModelSpec spec = Sam2Config.official(config(arch));
    Map<String, Tensor> w = new LinkedHashMap<>();
    StateDict enc = arch.startsWith("efficienttam")
        ? SyntheticEfficientTam.weights(SyntheticEfficientTam.spec(arch), 1)
        : SyntheticSam2.encoderWeights(spec, 1);
    enc.keys().forEach(k -> w.put(k, enc.get(k)));
    StateDict dec = SyntheticSam2.decoderWeights(spec, 2);
    dec.keys().forEach(k -> w.put(k, dec.get(k)));
    w.putIfAbsent("no_mem_embed", RandomWeights.uniform(new SplittableRandom(3), 0, 1, 1,
        spec.hiddenDim()));
    byte[] rgb = new byte[3 * SIDE * SIDE];
    new SplittableRandom(4).nextBytes(rgb);
    try (SamModel m = SamModel.fromStateDict(new StateDict(w, "synthetic " + arch), spec,
            new RuntimeOptions(threads, true));
         SamPredictor p = m.newPredictor()) {
      p.setImage(RgbImage.of(SIDE, SIDE, rgb));
      Prompt one = Prompt.builder().point(SIDE / 2.0, SIDE / 2.0, Label.FOREGROUND)
          .multimask(true).build();
      BenchCommand.stats(out.putObject("decoder_ms"), BenchCommand.time(progress,
          "decoder, one prompt", WARMUPS, Math.max(10 * runs, 30), () -> p.predict(one)));
      BenchCommand.stats(out.putObject("decoder_lowres_ms"), BenchCommand.time(progress,
          "decoder, one prompt, low-res", WARMUPS, Math.max(10 * runs, 30),
          () -> p.predictLowRes(java.util.List.of(one))));
    }
  }
}
