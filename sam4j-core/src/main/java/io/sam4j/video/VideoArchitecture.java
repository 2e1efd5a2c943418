package io.sam4j.video;

import io.sam4j.modeling.sam2.Sam2ModelSpec;
import io.sam4j.modeling.sam2.memory.CrossAttention;
import io.sam4j.modeling.sam2.memory.MemoryCompressor;

/**
 * What a SAM 2-family member changes in the video machinery: the memory attention's
 * cross-attention, a compressor after the memory encoder, and which predictor it ships.
 * SAM 2 / 2.1: {@link CrossAttention.Factory#ROPE}, no compressor, the December 2024 per-object
 * predictor. EfficientTAM (pooled cross-attention) and EdgeTAM (2D Spatial Perceiver, RoPEv2,
 * the older batched predictor) plug in here.
 *
 * @param crossAttention makes each memory-attention layer's cross-attention
 * @param compressor applied to each new memory before it is stored
 * @param semantics the predictor's rules
 */
public record VideoArchitecture(CrossAttention.Factory crossAttention,
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
  public static final VideoArchitecture SAM2 = new VideoArchitecture(CrossAttention.Factory.ROPE,
      MemoryCompressor.NONE, PredictorSemantics.PER_OBJECT);

  /** The architecture of a spec's family. */
  public static VideoArchitecture of(Sam2ModelSpec spec) {
    return switch (spec.family()) {
      case SAM2, SAM2_1 -> SAM2;
      case EFFICIENTTAM -> new VideoArchitecture(
          io.sam4j.modeling.efficienttam.EfficientTamVideo.CROSS_ATTENTION, MemoryCompressor.NONE,
          PredictorSemantics.PER_OBJECT);
      case EDGETAM -> edgeTam(spec);
    };
  }

  private static VideoArchitecture edgeTam(Sam2ModelSpec spec) {
    var perceiver = io.sam4j.modeling.edgetam.EdgeTamVideo.perceiver(spec.model());
    var memoryEncoder = io.sam4j.modeling.sam2.memory.MemoryEncoderSpec.of(
        spec.model().path("memory_encoder"));
    return new VideoArchitecture(io.sam4j.modeling.edgetam.EdgeTamVideo.crossAttention(perceiver),
        io.sam4j.modeling.edgetam.EdgeTamVideo.compressor(perceiver, memoryEncoder,
            spec.embeddingSize()), PredictorSemantics.BATCHED_LEGACY);
  }
}
