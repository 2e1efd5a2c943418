package io.sam4j.spark;

import io.sam4j.runtime.RuntimeOptions;
import java.io.Serializable;

/**
 * Everything an executor needs to segment a partition; travels with each task.
 *
 * @param checkpoint where executors find the checkpoint (see {@link CheckpointFiles})
 * @param spec a model spec file for what the checkpoint does not say, or null
 * @param threads ONNX Runtime intra-op threads; 0 = the task's CPUs ({@code spark.task.cpus}),
 *     so that threads x concurrent tasks stays within an executor's cores
 * @param precision the image encoder's arithmetic
 * @param amg automatic mask generation settings (everything mode; the stability offset is also
 *     used for the prompts mode's stability scores)
 * @param maxPixels images whose header claims more pixels fail their row before decoding
 * @param columns the input's column names
 * @param concepts concept mode's phrases and score threshold
 */
record JobSettings(String checkpoint, String spec, int threads,
    RuntimeOptions.Precision precision, Mode mode, AmgSettings amg, long maxPixels,
    Columns columns, HadoopConf hadoop, Concepts concepts) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Input column names: an image is read from {@code bytes} when the input has that column and
   * the value is not null, else from {@code path} through Hadoop's file system.
   */
  /** Concept mode: the phrases asked of every image without its own cases, and the threshold. */
  record Concepts(java.util.List<String> texts, double threshold) implements Serializable {
    private static final long serialVersionUID = 1L;

    Concepts {
      texts = java.util.List.copyOf(texts);
    }
  }

  record Columns(String id, String path, String bytes, String prompts) implements Serializable {
    private static final long serialVersionUID = 1L;
  }
}
