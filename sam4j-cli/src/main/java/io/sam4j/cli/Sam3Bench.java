package io.sam4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.modeling.sam3.Sam3ImageEncoder;
import io.sam4j.modeling.sam3.Sam3PromptGraph;
import io.sam4j.modeling.sam3.Sam3Spec;
import io.sam4j.modeling.sam3.SyntheticSam3;
import io.sam4j.modeling.sam3.backbone.Sam3DualViTDetNeck;
import io.sam4j.modeling.sam3.text.VETextEncoder;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Profiling;
import io.sam4j.runtime.RuntimeOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench-synthetic --arch sam3}'s second half: the text encoder (once per phrase) and the
 * per-prompt graph (geometry encoder, fusion encoder, decoder, scoring, segmentation head) with
 * random weights, fed random image levels and text features (a phrase of 4 tokens and one
 * exemplar box), timed like the encoder.
 */
final class Sam3Bench {
  private Sam3Bench() {}

  static void prompt(ObjectNode out, Sam3Spec spec, int runs, int threads,
      ProgressListener progress) {
    StateDict w = SyntheticSam3.weights(spec, 2, SyntheticSam3.Part.PROMPT);
    long t0 = System.nanoTime();
    OnnxModel graph = Sam3PromptGraph.graph(w, spec);
    long t1 = System.nanoTime();
    Map<String, FloatTensor> in = inputs(spec);
    try (InferenceSession s = InferenceSession.create("synthetic sam3 prompt", graph,
        new RuntimeOptions(threads, true))) {
      long t2 = System.nanoTime();
      out.put("prompt_graph_build_ms", (t1 - t0) / 1e6);
      out.put("prompt_session_build_ms", (t2 - t1) / 1e6);
      s.run(in);
      double[] times = BenchCommand.time(progress, "prompt", 0, runs, () -> s.run(in));
      BenchCommand.stats(out.putObject("prompt_ms"), times);
      int t = new RuntimeOptions(threads, true).effectiveThreads();
      long flops = Profiling.flops(graph, in, t);
      out.put("prompt_gflops", flops / 1e9);
      out.put("prompt_gflops_per_s", flops / 1e9 / (BenchCommand.median(times) / 1000));
    }
  }

  /**
   * The text encoder (once per phrase): {@code text_ms}, {@code text_gflops}, on the embedding
   * rows of a phrase of 4 tokens.
   */
  static void text(ObjectNode out, Sam3Spec spec, int runs, int threads,
      ProgressListener progress) {
    StateDict w = SyntheticSam3.weights(spec, 4, SyntheticSam3.Part.TEXT);
    OnnxModel graph = VETextEncoder.graph(w, spec.text());
    long[] tokens = new long[spec.text().contextLength()];
    long[] phrase = {49406, 1929, 2368, 49407};
    System.arraycopy(phrase, 0, tokens, 0, phrase.length);
    Map<String, FloatTensor> in = Map.of(VETextEncoder.TEXT_EMBEDS,
        VETextEncoder.tokenEmbeddings(w, spec.text(), tokens));
    try (InferenceSession s = InferenceSession.create("synthetic sam3 text", graph,
        new RuntimeOptions(threads, true))) {
      s.run(in);
      double[] times = BenchCommand.time(progress, "text", 0, runs, () -> s.run(in));
      BenchCommand.stats(out.putObject("text_ms"), times);
      int t = new RuntimeOptions(threads, true).effectiveThreads();
      out.put("text_gflops", Profiling.flops(graph, in, t) / 1e9);
    }
  }

  private static Map<String, FloatTensor> inputs(Sam3Spec spec) {
    SplittableRandom rnd = new SplittableRandom(3);
    Map<String, FloatTensor> in = new LinkedHashMap<>();
    int d = spec.neck().dModel();
    for (int i = 0; i < spec.neck().levels(); i++) {
      int side = Sam3DualViTDetNeck.levelSide(spec.neck(), spec.vit().gridSize(), i);
      in.put(Sam3ImageEncoder.FPN + i, random(rnd, 1, d, side, side));
    }
    int ctx = spec.text().contextLength();
    in.put(Sam3PromptGraph.LANGUAGE_FEATURES, random(rnd, ctx, 1, d));
    float[] mask = new float[ctx];
    for (int i = 4; i < ctx; i++) {
      mask[i] = Float.NEGATIVE_INFINITY;
    }
    in.put(Sam3PromptGraph.LANGUAGE_MASK, new FloatTensor(mask, new long[] {1, ctx}));
    in.put(Sam3PromptGraph.POINTS, new FloatTensor(new float[0], new long[] {1, 0, 2}));
    in.put(Sam3PromptGraph.POINT_LABELS, new FloatTensor(new float[0], new long[] {1, 0, 1}));
    in.put(Sam3PromptGraph.BOXES, new FloatTensor(new float[] {0.5f, 0.4f, 0.3f, 0.2f},
        new long[] {1, 1, 4}));
    in.put(Sam3PromptGraph.BOX_LABELS, new FloatTensor(new float[] {1f}, new long[] {1, 1, 1}));
    return in;
  }

  private static FloatTensor random(SplittableRandom rnd, long... shape) {
    float[] v = new float[(int) io.sam4j.checkpoint.Tensor.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return new FloatTensor(v, shape);
  }
}
