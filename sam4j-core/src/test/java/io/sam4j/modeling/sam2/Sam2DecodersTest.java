package io.sam4j.modeling.sam2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The image predictor's two-part decoder (per-image prologue, per-prompt graph with sub-pixel
 * upscaling) against the one-piece graph, on SAM 2.1-T's official shapes with random weights
 * ({@link SyntheticSam2#decoderWeights}): the same logits, IoU predictions and object scores.
 */
class Sam2DecodersTest {
  @Test
  void cachedDecoderEqualsTheOnePieceGraph() {
    Sam2ModelSpec spec = Sam2Config.official("sam2.1_hiera_t");
    StateDict sd = SyntheticSam2.decoderWeights(spec, 5);
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    SplittableRandom rnd = new SplittableRandom(6);
    FloatTensor emb = random(rnd, 1, c, e, e);
    FloatTensor s0 = random(rnd, 1, c / 8, 4 * e, 4 * e);
    FloatTensor s1 = random(rnd, 1, c / 4, 2 * e, 2 * e);
    FloatTensor coords = new FloatTensor(new float[] {300, 500, 700, 200, 0, 0, 100, 900, 512,
        512, 0, 0}, new long[] {2, 3, 2});
    FloatTensor labels = new FloatTensor(new float[] {1, 0, -1, 1, 1, -1}, new long[] {2, 3});
    RuntimeOptions options = RuntimeOptions.defaults();
    Map<String, FloatTensor> whole;
    try (InferenceSession s = InferenceSession.create("one piece",
        Sam2Decoders.decoder(sd, spec, false), options, true)) {
      whole = s.run(Map.of(Sam2Graphs.IMAGE_EMBEDDINGS, emb, Sam2Graphs.HIGH_RES_FEATS_0, s0,
          Sam2Graphs.HIGH_RES_FEATS_1, s1, Sam2Graphs.POINT_COORDS, coords,
          Sam2Graphs.POINT_LABELS, labels));
    }
    Map<String, FloatTensor> in = new LinkedHashMap<>();
    try (InferenceSession p = InferenceSession.create("prologue", Sam2Decoders.prologue(sd, spec),
        options, true)) {
      in.putAll(p.run(Map.of(Sam2Graphs.IMAGE_EMBEDDINGS, emb, Sam2Graphs.HIGH_RES_FEATS_0, s0,
          Sam2Graphs.HIGH_RES_FEATS_1, s1)));
    }
    in.put(Sam2Graphs.POINT_COORDS, coords);
    in.put(Sam2Graphs.POINT_LABELS, labels);
    Map<String, FloatTensor> staged;
    try (InferenceSession s = InferenceSession.create("cached",
        Sam2Decoders.cachedDecoder(sd, spec), options, true)) {
      staged = s.run(in);
    }
    float[] low = SamGraphs.subPixelToImage(staged.get(SamGraphs.LOW_RES_SUBPIXEL).data(), 4, e);
    double lowErr = Fixtures.relL2(low, whole.get(Sam2Graphs.LOW_RES_MASKS).data());
    assertTrue(lowErr < 1e-5, "low-res logits rel L2 " + lowErr);
    for (String out : new String[] {Sam2Graphs.IOU_PREDICTIONS, Sam2Graphs.OBJECT_SCORE_LOGITS,
        Sam2Graphs.SAM_TOKENS_OUT}) {
      double err = Fixtures.relL2(staged.get(out).data(), whole.get(out).data());
      assertTrue(err < 1e-5, out + " rel L2 " + err);
    }
  }

  private static FloatTensor random(SplittableRandom rnd, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return new FloatTensor(v, shape);
  }
}
