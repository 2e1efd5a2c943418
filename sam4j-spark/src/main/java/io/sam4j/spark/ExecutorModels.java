package io.sam4j.spark;

import io.sam4j.SamModel;
import io.sam4j.modeling.sam3.Sam3Model;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of this JVM, one per checkpoint and runtime options: the one deliberate per-JVM
 * cache of sam4j. An executor runs many tasks, concurrently and one after the other; building the
 * model (reading the checkpoint, building and optimizing the ONNX graphs, loading ONNX Runtime's
 * native library) for each would cost more than segmenting a partition, so the first task of an
 * executor builds it and every later task of that JVM shares it ({@link SamModel} is safe to
 * share; each task opens its own predictor). The models are closed by a shutdown hook when the
 * executor's JVM ends.
 */
final class ExecutorModels {
  /**
   * What identifies a model: where its checkpoint is read from, how it runs, and whether it is
   * opened as a SAM 3 concept model ({@link Sam3Model}) or as a {@link SamModel}.
   */
  record Key(Path checkpoint, Path spec, RuntimeOptions options, boolean concept) {}

  private static final Map<Key, AutoCloseable> MODELS = new HashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static boolean hooked;
  private static final long BUILD_STACK_BYTES = 256L << 20;

  private ExecutorModels() {}

  /**
   * The model for {@code key}, built on first use in this JVM; concurrent first uses wait for one
   * build.
   *
   * @param onLoad runs once when this call built the model (counts loads in the job's accumulator)
   */
  static SamModel get(Key key, Runnable onLoad) {
    return (SamModel) model(key, onLoad);
  }

  /** The SAM 3 concept model for {@code key} ({@code key.concept()} is true), as {@link #get}. */
  static Sam3Model concept(Key key, Runnable onLoad) {
    return (Sam3Model) model(key, onLoad);
  }

  private static synchronized AutoCloseable model(Key key, Runnable onLoad) {
    AutoCloseable m = MODELS.get(key);
    if (m == null) {
      m = build(key);
      MODELS.put(key, m);
      LOADS.incrementAndGet();
      onLoad.run();
      if (!hooked) {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll,
            "sam4j-close-models"));
        hooked = true;
      }
    }
    return m;
  }

  /**
   * Builds a model on a thread of its own with a large stack: Spark's task threads have the
   * JVM's default stack (1 MiB), which building the graphs and optimizing the ONNX Runtime
   * sessions overflows (the JVM then dies with a segmentation fault, not an error).
   */
  private static AutoCloseable build(Key key) {
    AutoCloseable[] made = new AutoCloseable[1];
    Throwable[] failed = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        made[0] = key.concept()
            ? Sam3Model.load(key.checkpoint(), key.spec(), key.options())
            : SamModel.load(key.checkpoint(), key.spec(), key.options());
      } catch (Throwable e) {
        failed[0] = e;
      }
    }, "sam4j-model-build", BUILD_STACK_BYTES);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the model", e);
    }
    if (failed[0] instanceof RuntimeException re) {
      throw re;
    }
    if (failed[0] instanceof Error err) {
      throw err;
    }
    return made[0];
  }

  /** How many models this JVM has built (for tests and the job summary). */
  static int loads() {
    return LOADS.get();
  }

  /** Closes and forgets every model of this JVM (the shutdown hook; tests). */
  static synchronized void closeAll() {
    for (AutoCloseable m : MODELS.values()) {
      try {
        m.close();
      } catch (Exception e) {
        // closing at JVM exit: nothing left to tell
      }
    }
    MODELS.clear();
  }
}
