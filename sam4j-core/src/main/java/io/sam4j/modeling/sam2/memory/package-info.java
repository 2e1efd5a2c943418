/**
 * The SAM 2 family's memory machinery as ONNX graphs, one class per reference module
 * ({@link io.sam4j.modeling.sam2.memory.MemoryEncoder}, {@link
 * io.sam4j.modeling.sam2.memory.MaskDownSampler}, {@link io.sam4j.modeling.sam2.memory.CXBlock},
 * {@link io.sam4j.modeling.sam2.memory.MemoryAttention}, {@link
 * io.sam4j.modeling.sam2.memory.MemoryAttentionLayer}, {@link
 * io.sam4j.modeling.sam2.memory.RoPEAttention}), the settings read from a config ({@link
 * io.sam4j.modeling.sam2.memory.TrackerSpec}) and the graphs' contract ({@link
 * io.sam4j.modeling.sam2.memory.MemoryGraphs}).
 *
 * <p>Where the families differ: a memory-attention layer's cross-attention is a {@link
 * io.sam4j.modeling.sam2.memory.CrossAttention} (EfficientTAM's pooled attention, EdgeTAM's
 * RoPEv2), and a {@link io.sam4j.modeling.sam2.memory.MemoryCompressor} may follow the memory
 * encoder (EdgeTAM's 2D Spatial Perceiver); {@link io.sam4j.video.VideoArchitecture} picks them
 * per family.
 */
package io.sam4j.modeling.sam2.memory;
