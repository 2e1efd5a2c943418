package io.sam4j.video;

import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.modeling.sam2.memory.CrossAttention;
import io.sam4j.modeling.sam2.memory.MemoryAttentionGraph;
import io.sam4j.modeling.sam2.memory.MemoryCompressor;

/**
 * What a SAM 2-family member changes in the video machinery: the memory-attention graph (usually
 * SAM 2's with another cross-attention, {@link MemoryAttentionGraph#withCrossAttention}), a
 * compressor after the memory encoder, and which predictor it ships. SAM 2 / 2.1: RoPE
 * cross-attention, no compressor, the December 2024 per-object predictor. EfficientTAM (pooled
 * cross-attention) and EdgeTAM (2D Spatial Perceiver, RoPEv2, the older batched predictor) plug
 * in at {@link #of}.
 *
 * @param memoryAttention builds the memory-attention graph
 * @param compressor applied to each new memory before it is stored
 * @param semantics the predictor's rules
 */
public record VideoArchitecture(MemoryAttentionGraph memoryAttention,
    MemoryCompressor compressor, PredictorSemantics semantics) {

  /**
   * The reference predictor a family ships.
   */
  public enum PredictorSemantics {
    /**
     * {@code SAM2VideoPredictor} of December 2024 (and EfficientTAM's copy): every object runs on
     * its own, objects may be added after tracking started.
     */
    PER_OBJECT,
    /**
     * The older {@code SAM2VideoPredictor} EdgeTAM ships: all objects in one batched forward, new
     * object ids refused once tracking started.
     */
    BATCHED_LEGACY;

    /** Whether a new object id may be added after propagation started. */
    public boolean allowsNewObjectsWhileTracking() {
      return this == PER_OBJECT;
    }
  }

  /** SAM 2 / 2.1. */
  public static final VideoArchitecture SAM2 = new VideoArchitecture(
      MemoryAttentionGraph.withCrossAttention(CrossAttention.Factory.ROPE), MemoryCompressor.NONE,
      PredictorSemantics.PER_OBJECT);

  /** The architecture of a spec's family. */
  public static VideoArchitecture of(Sam2ModelSpec spec) {
    return switch (spec.family()) {
      case SAM2, SAM2_1 -> SAM2;
      case EFFICIENTTAM -> new VideoArchitecture(MemoryAttentionGraph.withCrossAttention(
          io.sam4j.modeling.efficienttam.EfficientTamVideo.CROSS_ATTENTION), MemoryCompressor.NONE,
          PredictorSemantics.PER_OBJECT);
      case EDGETAM -> edgeTam(spec);
    };
  }

  private static VideoArchitecture edgeTam(Sam2ModelSpec spec) {
    var perceiver = io.sam4j.modeling.edgetam.EdgeTamVideo.perceiver(spec.model());
    var memoryEncoder = io.sam4j.modeling.sam2.memory.MemoryEncoderSpec.of(
        spec.model().path("memory_encoder"));
    MemoryCompressor compressor = io.sam4j.modeling.edgetam.EdgeTamVideo.compressor(perceiver,
        memoryEncoder, spec.embeddingSize());
    return new VideoArchitecture(io.sam4j.modeling.edgetam.EdgeTamVideo.memoryAttention(perceiver,
        compressor), compressor, PredictorSemantics.BATCHED_LEGACY);
  }
}
