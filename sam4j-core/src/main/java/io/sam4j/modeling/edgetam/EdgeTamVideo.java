package io.sam4j.modeling.edgetam;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.SamException;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.memory.CrossAttention;
import io.sam4j.modeling.sam2.memory.MemoryAttentionGraph;
import io.sam4j.modeling.sam2.memory.MemoryCompressor;
import io.sam4j.modeling.sam2.memory.MemoryEncoder;
import io.sam4j.modeling.sam2.memory.MemoryEncoderSpec;
import io.sam4j.modeling.sam2.memory.MemoryGraphs;

/**
 * What EdgeTAM changes in SAM 2's video networks: every new memory is compressed by the 2D
 * Spatial Perceiver ({@link PerceiverResampler}) to {@code G + P} tokens, whose position encoding
 * is the perceiver's, and the memory attention's cross-attention is {@link RoPEAttentionv2}. (Its
 * predictor is the older batched {@code SAM2VideoPredictor}: see {@code docs/notes/video-families.md}.)
 */
public final class EdgeTamVideo {
  private EdgeTamVideo() {}

  /** The perceiver of a model config node ({@code model.spatial_perceiver}). */
  public static PerceiverResamplerSpec perceiver(JsonNode model) {
    return PerceiverResamplerSpec.fromConfig(model.get("spatial_perceiver"));
  }

  /**
   * The perceiver as the memory encoder's compressor: [B, mem, e, e] to [B, mem, G + P].
   *
   * @param memoryEncoder the memory encoder whose position encoding the global latents see
   * @param grid the memory encoder's output side e
   */
  public static MemoryCompressor compressor(PerceiverResamplerSpec spec,
      MemoryEncoderSpec memoryEncoder, int grid) {
    return new MemoryCompressor() {
      @Override
      public Value compress(Layers nn, Value features) {
        float[] pos = MemoryEncoder.positionEncoding(memoryEncoder, grid);
        Value p = nn.g.weight("spatial_perceiver.memory_pos_enc", pos, 1,
            memoryEncoder.position().numPosFeats(), grid, grid);
        Value latents = new PerceiverResampler(nn, "spatial_perceiver", spec)
            .forward(features, p, grid, grid);
        return nn.transpose(latents, 0, 2, 1);
      }

      @Override
      public int tokens(int e) {
        return spec.tokensPerFrame();
      }

      @Override
      public float[] positionEncoding(MemoryEncoderSpec mem, int e) {
        float[] rows = PerceiverResampler.positionEncoding(spec);
        int c = spec.positionEncoding().numPosFeats();
        int t = spec.tokensPerFrame();
        float[] out = new float[rows.length];
        for (int i = 0; i < t; i++) {
          for (int ch = 0; ch < c; ch++) {
            out[ch * t + i] = rows[i * c + ch];
          }
        }
        return out;
      }
    };
  }

  /**
   * SAM 2's memory-attention graph over the perceiver's memories ([F, mem, G + P] with the
   * compressor's position encoding) with {@link RoPEAttentionv2} as cross-attention.
   */
  public static MemoryAttentionGraph memoryAttention(PerceiverResamplerSpec perceiver,
      MemoryCompressor compressor) {
    CrossAttention.Factory cross = crossAttention(perceiver);
    return (g, sd, spec, visionPos) -> MemoryGraphs.memoryAttention(g, sd, spec, visionPos,
        cross, compressor);
  }

  /** The memory-attention layers' cross-attention ({@code RoPEAttentionv2}). */
  public static CrossAttention.Factory crossAttention(PerceiverResamplerSpec perceiver) {
    return (nn, prefix, spec, grid) -> {
      String target = spec.target();
      if (!target.substring(target.lastIndexOf('.') + 1).equals("RoPEAttentionv2")) {
        throw new SamException(SamException.Kind.UNSUPPORTED_MODEL, "EdgeTAM memory"
            + " cross-attention " + target + " is not supported (RoPEAttentionv2)");
      }
      return new RoPEAttentionv2(nn, prefix, spec.numHeads(), spec.ropeTheta(),
          sizes(spec.node().path("q_sizes"), 32), sizes(spec.node().path("k_sizes"), 32),
          perceiver.tokensPerFrame());
    };
  }

  private static int[] sizes(JsonNode n, int fallback) {
    return new int[] {n.path(0).asInt(fallback), n.path(1).asInt(fallback)};
  }
}
