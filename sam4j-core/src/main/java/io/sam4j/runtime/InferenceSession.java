package io.sam4j.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sam4j.SamException;
import io.sam4j.graph.Initializer;
import io.sam4j.graph.OnnxModel;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over a graph sam4j built. The only class (with its package) that talks to
 * ONNX Runtime. Thread-safe for concurrent {@link #run} calls; close it to free native memory.
 */
public final class InferenceSession implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String name;
  private volatile boolean closed;

  private InferenceSession(OrtEnvironment env, OrtSession session, String name) {
    this.env = env;
    this.session = session;
    this.name = name;
  }

  /** Creates a session for a built model. */
  public static InferenceSession create(String name, OnnxModel model, RuntimeOptions options) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<OnnxTensor> externals = new ArrayList<>();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.effectiveThreads());
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(options.optimize()
          ? OrtSession.SessionOptions.OptLevel.ALL_OPT
          : OrtSession.SessionOptions.OptLevel.NO_OPT);
      if (!model.external().isEmpty()) {
        Map<String, OnnxTensorLike> map = new HashMap<>();
        for (Initializer init : model.external()) {
          FloatBuffer fb = directFloats(init);
          OnnxTensor t = OnnxTensor.createTensor(env, fb, init.dims());
          externals.add(t);
          map.put(init.name(), t);
        }
        so.addExternalInitializers(map);
      }
      OrtSession s = env.createSession(model.proto(), so);
      return new InferenceSession(env, s, name);
    } catch (OrtException e) {
      throw new SamException(SamException.Kind.RUNTIME,
          "ONNX Runtime could not create the " + name + " session: " + e.getMessage(), e);
    } finally {
      externals.forEach(OnnxTensor::close);
    }
  }

  private static FloatBuffer directFloats(Initializer init) {
    java.nio.ByteBuffer src = init.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (src.isDirect()) {
      return src.asFloatBuffer();
    }
    java.nio.ByteBuffer d = java.nio.ByteBuffer.allocateDirect(src.remaining())
        .order(ByteOrder.nativeOrder());
    d.put(src);
    return d.flip().asFloatBuffer();
  }

  /** Names of the graph's inputs. */
  public Set<String> inputNames() {
    check();
    return session.getInputNames();
  }

  /** Names of the graph's outputs. */
  public Set<String> outputNames() {
    check();
    return session.getOutputNames();
  }

  /**
   * Runs the graph.
   *
   * @param inputs a float tensor for every graph input, by name
   * @return every graph output, by name
   */
  public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs) {
    check();
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
        FloatTensor t = e.getValue();
        feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()), t.shape()));
      }
      try (OrtSession.Result result = session.run(feeds)) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          FloatBuffer fb = t.getFloatBuffer();
          float[] data = new float[fb.remaining()];
          fb.get(data);
          out.put(e.getKey(), new FloatTensor(data, t.getInfo().getShape()));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new SamException(SamException.Kind.RUNTIME,
          "ONNX Runtime failed running " + name + ": " + e.getMessage(), e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the " + name + " session is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        session.close();
      } catch (OrtException e) {
        throw new SamException(SamException.Kind.RUNTIME, "closing " + name + ": " + e.getMessage(), e);
      }
    }
  }
}
