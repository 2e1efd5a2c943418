package io.sam4j.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.io.TempDirs;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Measurements of graphs on ONNX Runtime: work done, and the machine's matrix-product speed. */
public final class Profiling {
  private Profiling() {}

  /**
   * Floating-point operations of one run of a graph as sam4j built it (ONNX Runtime's graph
   * optimizations off, so every node is ours): 2 x multiply-adds of every MatMul, Gemm, Conv,
   * ConvTranspose, fused Attention and MultiHeadAttention, from the shapes a profiled run reports.
   */
  public static long flops(OnnxModel model, Map<String, FloatTensor> inputs, int threads) {
    return countFlops(profiledRuns(model, inputs, threads, false, 1));
  }

  /**
   * Where the time of a graph's runs goes: milliseconds per run for each operator type, as ONNX
   * Runtime's profiler reports its kernels (all graph optimizations on, so the types are those of
   * the fused nodes that really run), largest first. One warm-up run is not counted.
   */
  public static Map<String, Double> opTimes(OnnxModel model, Map<String, FloatTensor> inputs,
      int threads, int runs) {
    Map<String, Double> micros = new HashMap<>();
    JsonNode events = profiledRuns(model, inputs, threads, true, runs + 1);
    // the kernels of the first (warm-up) run come first: skip as many events as one run has
    long perRun = 0;
    for (JsonNode e : events) {
      if (isKernel(e)) {
        perRun++;
      }
    }
    perRun /= runs + 1;
    long seen = 0;
    for (JsonNode e : events) {
      if (isKernel(e) && seen++ >= perRun) {
        micros.merge(e.path("args").path("op_name").asText(), e.path("dur").asDouble(),
            Double::sum);
      }
    }
    Map<String, Double> ms = new LinkedHashMap<>();
    micros.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> ms.put(e.getKey(), e.getValue() / 1000 / runs));
    return ms;
  }

  private static boolean isKernel(JsonNode e) {
    return "Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith("_kernel_time");
  }

  /** The profiler's events of {@code runs} runs of a fresh session. */
  private static JsonNode profiledRuns(OnnxModel model, Map<String, FloatTensor> inputs,
      int threads, boolean optimize, int runs) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Path dir = null;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      dir = TempDirs.create("sam4j-profile");
      so.setIntraOpNumThreads(threads);
      so.setOptimizationLevel(optimize ? OrtSession.SessionOptions.OptLevel.ALL_OPT
          : OrtSession.SessionOptions.OptLevel.NO_OPT);
      so.enableProfiling(dir.resolve("run").toString());
      String profile;
      try (OrtSession s = model.hasExternalData() ? open(env, model, dir, so)
          : env.createSession(model.proto(), so)) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
          for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
            feeds.put(e.getKey(), OnnxTensor.createTensor(env,
                FloatBuffer.wrap(e.getValue().data()), e.getValue().shape()));
          }
          for (int i = 0; i < runs; i++) {
            s.run(feeds).close();
          }
        } finally {
          feeds.values().forEach(OnnxTensor::close);
        }
        profile = s.endProfiling();
      }
      return new ObjectMapper().readTree(Path.of(profile).toFile());
    } catch (OrtException | IOException e) {
      throw new SamException(SamException.Kind.RUNTIME, "profiling failed: " + e.getMessage(), e);
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }

  private static OrtSession open(OrtEnvironment env, OnnxModel model, Path dir,
      OrtSession.SessionOptions so) throws OrtException {
    model.writeTo(dir, "model.onnx");
    return env.createSession(dir.resolve("model.onnx").toString(), so);
  }

  static long countFlops(JsonNode events) {
    long flops = 0;
    for (JsonNode e : events) {
      if (!isKernel(e)) {
        continue;
      }
      JsonNode args = e.path("args");
      long[] out = shape(args.path("output_type_shape").path(0));
      JsonNode in = args.path("input_type_shape");
      switch (args.path("op_name").asText()) {
        case "MatMul":
        case "FusedMatMul":
        case "DynamicQuantizeMatMul":
        case "MatMulInteger": {
          long[] a = shape(in.path(0));
          flops += 2 * numel(out) * a[a.length - 1];
          break;
        }
        case "Gemm": {
          long[] a = shape(in.path(0));
          flops += 2 * numel(out) * a[1];
          break;
        }
        case "Conv": {
          long[] w = shape(in.path(1));
          flops += 2 * numel(out) * numel(Arrays.copyOfRange(w, 1, w.length));
          break;
        }
        case "Attention": {
          // com.microsoft Attention: the q, k, v projection of input [B, S, Din] to 3H values,
          // then q k^T and the weights times v over all heads (S x S x H each). The profiler
          // omits the weights it prepacked: 3H is the bias's length
          long[] x = shape(in.path(0));
          long qkv = 0;
          for (JsonNode i : in) {
            long[] s = shape(i);
            if (s.length == 2 && s[0] == x[2]) {
              qkv = s[1];
              break;
            }
            if (s.length == 1) {
              qkv = s[0];
              break;
            }
          }
          long tokens = x[0] * x[1];
          flops += 2 * tokens * x[2] * qkv + 2 * 2 * tokens * x[1] * (qkv / 3);
          break;
        }
        case "MultiHeadAttention": {
          // com.microsoft MultiHeadAttention with separate q [B, S, D], k [B, L, D], v [B, L, Dv]:
          // q k^T and the weights times v over all heads
          long[] q = shape(in.path(0));
          long[] k = shape(in.path(1));
          long[] v = shape(in.path(2));
          if (q.length == 3 && k.length == 3 && v.length == 3) {
            flops += 2 * q[0] * q[1] * k[1] * (q[2] + v[2]);
          }
          break;
        }
        case "ConvTranspose": {
          long[] x = shape(in.path(0));
          long[] w = shape(in.path(1));
          flops += 2 * numel(x) * numel(Arrays.copyOfRange(w, 1, w.length));
          break;
        }
        default:
          break;
      }
    }
    return flops;
  }

  /**
   * GFLOP/s of one large float32 matrix product ({@code n x n} by {@code n x n}) on ONNX Runtime
   * with the given threads: the best of several runs after a warm-up.
   */
  public static double matmulGflops(int n, int threads, int runs) {
    GraphBuilder g = new GraphBuilder("matmul_peak");
    Value a = g.input("a", ElemType.FLOAT, n, n);
    float[] w = new float[n * n];
    Random r = new Random(1);
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextFloat() - 0.5f;
    }
    g.output("c", g.op("MatMul", a, g.weight("b", w, n, n)));
    float[] x = new float[n * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() - 0.5f;
    }
    Map<String, FloatTensor> in = Map.of("a", new FloatTensor(x, new long[] {n, n}));
    try (InferenceSession s = InferenceSession.create("matmul", g.build(),
        new RuntimeOptions(threads, true))) {
      s.run(in);
      double best = Double.MAX_VALUE;
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        s.run(in);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      return 2.0 * n * n * n / best / 1e9;
    }
  }

  private static long[] shape(JsonNode typeShape) {
    JsonNode dims = typeShape.elements().hasNext() ? typeShape.elements().next() : null;
    if (dims == null) {
      return new long[0];
    }
    long[] s = new long[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims.get(i).asLong();
    }
    return s;
  }

  private static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
