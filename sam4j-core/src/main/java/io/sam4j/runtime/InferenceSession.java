package io.sam4j.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sam4j.SamException;
import io.sam4j.graph.OnnxModel;
import io.sam4j.io.TempDirs;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ONNX Runtime session over a graph sam4j built. The only class (with its package) that talks to
 * ONNX Runtime. Thread-safe for concurrent {@link #run} calls; close it to free native memory.
 *
 * <p>A session for short runs (the prompt decoder) keeps a second runtime session over the same
 * graph whose threads spin between operators, made on first use: a run that starts while no other
 * run of any session is in flight in this process takes it (waking a sleeping thread costs tens
 * of microseconds on every parallel operator: MobileSAM's decoder 0.7-1.5 ms faster per prompt),
 * and any run that starts beside another takes the sleeping one, because spinning threads on
 * shared cores slow everybody down (a server under load measured 2-3x slower decodes).
 */
public final class InferenceSession implements AutoCloseable {
  /** Models with more weight bytes than this run without ONNX Runtime's memory arena. */
  static final long ARENA_LIMIT = 512L << 20;

  /**
   * Runs in flight in this process, of every session: the cores are the process's, so whether a
   * run is alone on them is a process-wide fact.
   */
  private static final AtomicInteger RUNS_IN_FLIGHT = new AtomicInteger();

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String name;
  /** A short-run session's graph and options, to make its spinning twin; else null. */
  private final OnnxModel twinModel;
  private final RuntimeOptions twinOptions;
  private volatile OrtSession spinning;
  private volatile boolean closed;

  private InferenceSession(OrtEnvironment env, OrtSession session, String name,
      OnnxModel twinModel, RuntimeOptions twinOptions) {
    this.env = env;
    this.session = session;
    this.name = name;
    this.twinModel = twinModel;
    this.twinOptions = twinOptions;
  }

  /**
   * Creates a session for a built model. A model with external data is written to a temporary
   * directory first (the runtime maps the weights from there), and the files are removed once the
   * session exists.
   */
  public static InferenceSession create(String name, OnnxModel model, RuntimeOptions options) {
    return create(name, model, options, false);
  }

  /**
   * Creates a session; {@code shortRuns} is for graphs whose runs take milliseconds (the prompt
   * decoder): their threads sleep between operators instead of spinning whenever other runs are in
   * flight (see the class comment), which on a 2-core machine measured 20 ms instead of 47 ms per
   * MobileSAM prompt beside spinning sessions (and 3% to 10% slower encoders, which is why long
   * runs spin). A long run's threads stop spinning when it ends
   * ({@code session.force_spinning_stop}): the video tracker runs five sessions in turn, and the
   * threads of the one that just finished spinning on the two cores took them from the next
   * (EdgeTAM's decoder 40-54 -> 32-40 ms per frame, its memory attention 542-608 -> 515-555 ms).
   */
  public static InferenceSession create(String name, OnnxModel model, RuntimeOptions options,
      boolean shortRuns) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession s = newSession(env, name, model, options, shortRuns ? Threads.SLEEP : Threads.SPIN);
    boolean twin = shortRuns && !model.hasExternalData() && options.effectiveThreads() > 1;
    return new InferenceSession(env, s, name, twin ? model : null, twin ? options : null);
  }

  /** How a session's threads wait between operators. */
  private enum Threads {
    /** Sleep: for short runs that may overlap others. */
    SLEEP,
    /** Spin during a run, stop when it ends: long runs, and short runs alone on the cores. */
    SPIN
  }

  private static OrtSession newSession(OrtEnvironment env, String name, OnnxModel model,
      RuntimeOptions options, Threads threads) {
    Path dir = null;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.effectiveThreads());
      so.setInterOpNumThreads(1);
      if (threads == Threads.SLEEP) {
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
      } else {
        so.addConfigEntry("session.force_spinning_stop", "1");
      }
      if (model.weightBytes() > ARENA_LIMIT) {
        // big models have big activations: an arena keeps the first run's blocks next to the
        // planned ones of later runs (ViT-H peaks at 11.7 GB with it, 7.2 GB without)
        so.setCPUArenaAllocator(false);
      }
      so.setOptimizationLevel(options.optimize()
          ? OrtSession.SessionOptions.OptLevel.ALL_OPT
          : OrtSession.SessionOptions.OptLevel.NO_OPT);
      if (model.hasExternalData()) {
        dir = TempDirs.create("sam4j-model");
        model.writeTo(dir, "model.onnx");
        return env.createSession(dir.resolve("model.onnx").toString(), so);
      }
      return env.createSession(model.proto(), so);
    } catch (OrtException e) {
      throw new SamException(SamException.Kind.RUNTIME,
          "ONNX Runtime could not create the " + name + " session: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new SamException(SamException.Kind.IO,
          "cannot write the " + name + " model to a temporary directory: " + e.getMessage(), e);
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }

  /** Opens an ONNX file (with its external data beside it, if any), such as an exported model. */
  public static InferenceSession open(Path onnxFile, RuntimeOptions options) {
    if (!Files.isRegularFile(onnxFile)) {
      throw new SamException(SamException.Kind.IO, "ONNX file " + onnxFile + " does not exist");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.effectiveThreads());
      so.setInterOpNumThreads(1);
      return new InferenceSession(env, env.createSession(onnxFile.toString(), so),
          onnxFile.getFileName().toString(), null, null);
    } catch (OrtException e) {
      throw new SamException(SamException.Kind.BAD_CHECKPOINT,
          "ONNX Runtime cannot load " + onnxFile + ": " + e.getMessage(), e);
    }
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
    try (Outputs out = runKeepingOutputs(inputs)) {
      Map<String, FloatTensor> copy = new LinkedHashMap<>();
      for (String name : outputNames()) {
        copy.put(name, out.get(name));
      }
      return copy;
    }
  }

  /**
   * Runs the graph and keeps its outputs in native memory, so that they can be read selectively
   * or fed to another session without copying. Close the result.
   *
   * @param inputs {@link FloatTensor}s, or {@link Outputs#handle handles} of earlier outputs
   */
  public Outputs runKeepingOutputs(Map<String, ?> inputs) {
    check();
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    List<OnnxTensor> created = new ArrayList<>();
    boolean alone = RUNS_IN_FLIGHT.getAndIncrement() == 0;
    try {
      for (Map.Entry<String, ?> e : inputs.entrySet()) {
        Object v = e.getValue();
        if (v instanceof Outputs.Handle h) {
          feeds.put(e.getKey(), h.tensor());
        } else {
          FloatTensor t = (FloatTensor) v;
          OnnxTensor ot = OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()), t.shape());
          created.add(ot);
          feeds.put(e.getKey(), ot);
        }
      }
      return new Outputs((alone && twinModel != null ? spinningTwin() : session).run(feeds), name);
    } catch (OrtException e) {
      throw new SamException(SamException.Kind.RUNTIME,
          "ONNX Runtime failed running " + name + ": " + e.getMessage(), e);
    } finally {
      RUNS_IN_FLIGHT.decrementAndGet();
      created.forEach(OnnxTensor::close);
    }
  }

  /** Whether this short-run session has made its spinning twin (for tests). */
  boolean spinningTwinMade() {
    return spinning != null;
  }

  /**
   * Counts as a run in flight until closed, so that runs started meanwhile take the sleeping
   * session (for tests).
   */
  static AutoCloseable occupyCores() {
    RUNS_IN_FLIGHT.incrementAndGet();
    return RUNS_IN_FLIGHT::decrementAndGet;
  }

  /** The spinning twin of a short-run session, made on first use. */
  private OrtSession spinningTwin() {
    OrtSession t = spinning;
    if (t == null) {
      synchronized (this) {
        check();
        t = spinning;
        if (t == null) {
          t = newSession(env, name, twinModel, twinOptions, Threads.SPIN);
          spinning = t;
        }
      }
    }
    return t;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the " + name + " session is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      synchronized (this) {
        closed = true;
      }
      try {
        if (spinning != null) {
          spinning.close();
        }
        session.close();
      } catch (OrtException e) {
        throw new SamException(SamException.Kind.RUNTIME, "closing " + name + ": " + e.getMessage(), e);
      }
    }
  }
}
