package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;

/**
 * Builds a family's memory-attention graph with the inputs and output of
 * {@link MemoryGraphs#memoryAttention}: the frame's tokens, the stored memories stacked as {@code [F, ...]} (whatever
 * form the memory encoder and its {@link MemoryCompressor} store), their temporal slots, the
 * object pointers and their positions.
 */
@FunctionalInterface
public interface MemoryAttentionGraph {
  /**
   * @param visionPos the position encoding of the top-level features [C, e, e]
   */
  OnnxModel build(StateDict sd, TrackerSpec spec, float[] visionPos);

  /**
   * The part that sees only the frame ({@link MemoryGraphs#memoryAttentionFrame}), whose output
   * {@link MemoryGraphs#FRAME_TOKENS} the graph of {@link #build} takes.
   */
  default OnnxModel frame(StateDict sd, TrackerSpec spec, float[] visionPos) {
    return MemoryGraphs.memoryAttentionFrame(sd, spec, visionPos);
  }

  /** SAM 2's graph with a given cross-attention. */
  static MemoryAttentionGraph withCrossAttention(CrossAttention.Factory cross) {
    return (sd, spec, pos) -> MemoryGraphs.memoryAttention(sd, spec, pos, cross);
  }
}
