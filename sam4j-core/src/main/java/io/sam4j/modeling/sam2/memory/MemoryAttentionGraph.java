package io.sam4j.modeling.sam2.memory;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.GraphBuilder;
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
   * Builds the graph on {@code g}, whose rewriter (if any) writes the linear layers.
   *
   * @param visionPos the position encoding of the top-level features [C, e, e]
   */
  OnnxModel build(GraphBuilder g, StateDict sd, TrackerSpec spec, float[] visionPos);

  /** {@link #build(GraphBuilder, StateDict, TrackerSpec, float[])} in float32. */
  default OnnxModel build(StateDict sd, TrackerSpec spec, float[] visionPos) {
    return build(new GraphBuilder("sam4j_sam2_memory_attention"), sd, spec, visionPos);
  }

  /**
   * The part that sees only the frame ({@link MemoryGraphs#memoryAttentionFrame}), whose output
   * {@link MemoryGraphs#FRAME_TOKENS} the graph of {@link #build} takes, on {@code g}.
   */
  default OnnxModel frame(GraphBuilder g, StateDict sd, TrackerSpec spec, float[] visionPos) {
    return MemoryGraphs.memoryAttentionFrame(g, sd, spec, visionPos);
  }

  /** {@link #frame(GraphBuilder, StateDict, TrackerSpec, float[])} in float32. */
  default OnnxModel frame(StateDict sd, TrackerSpec spec, float[] visionPos) {
    return frame(new GraphBuilder("sam4j_sam2_memory_attention_frame"), sd, spec, visionPos);
  }

  /** SAM 2's graph with a given cross-attention. */
  static MemoryAttentionGraph withCrossAttention(CrossAttention.Factory cross) {
    return (g, sd, spec, pos) -> MemoryGraphs.memoryAttention(g, sd, spec, pos, cross,
        MemoryCompressor.NONE);
  }
}
