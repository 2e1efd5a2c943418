package io.sam4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory-attention layers' storage and the RoPE rotation written from a quantized weight:
 * packed codes, scales and zero points read back bit for bit at 8, 4 and 2 bits (a row length
 * that is not a multiple of the block included), and the pair-rotated weight is exactly the
 * signed row permutation of the dequantized weight.
 */
class MemoryLayersTest {
  @TempDir Path tmp;

  private static float[] weight(int out, int in, long seed) {
    Random r = new Random(seed);
    float[] w = new float[out * in];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * (i % 7 == 0 ? 3f : 0.5f);
    }
    return w;
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2})
  void packedLayersReadBackBitForBit(int bits) throws Exception {
    Map<String, BlockQuantizer.Quantized> layers = new LinkedHashMap<>();
    layers.put("memory_attention.layers.0.self_attn.q_proj",
        BlockQuantizer.minmax(weight(32, 32, 1), 32, 32, bits, 32));
    layers.put("memory_attention.layers.0.cross_attn_image.k_proj",
        BlockQuantizer.minmax(weight(32, 48, 2), 32, 48, bits, 32));
    layers.put("spatial_perceiver.layers.0.attn.to_kv",
        BlockQuantizer.minmax(weight(6, 16, 3), 6, 16, bits, 16));
    Path file = tmp.resolve(MemoryLayers.FILE);
    MemoryLayers.write(file, layers);
    Map<String, BlockQuantizer.Quantized> back = MemoryLayers.read(file,
        MemoryLayers.manifest(layers));
    assertEquals(layers.keySet(), back.keySet());
    layers.forEach((name, q) -> {
      BlockQuantizer.Quantized b = back.get(name);
      assertArrayEquals(q.codes(), b.codes(), name);
      assertArrayEquals(q.scales(), b.scales(), name);
      assertArrayEquals(q.zeros(), b.zeros(), name);
      assertEquals(q.block(), b.block());
      assertArrayEquals(q.dequantize(), b.dequantize(), name);
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2})
  void pairRotatedIsTheSignedPermutationOfTheQuantizedWeight(int bits) {
    int out = 16;
    int in = 32;
    BlockQuantizer.Quantized q = BlockQuantizer.minmax(weight(out, in, 4), out, in, bits, 16);
    float[] w = q.dequantize();
    float[] r = NBitRewriter.pairRotated(q).dequantize();
    for (int j = 0; j < out / 2; j++) {
      for (int i = 0; i < in; i++) {
        assertEquals(-w[(2 * j + 1) * in + i], r[2 * j * in + i], 0f, "row " + 2 * j);
        assertEquals(w[2 * j * in + i], r[(2 * j + 1) * in + i], 0f, "row " + (2 * j + 1));
      }
    }
  }

  @org.junit.jupiter.api.Test
  void onlyTheMemoryAttentionAndPerceiverLayersAreQuantized() {
    assertTrue(MemoryLayers.quantizable("memory_attention.layers.3.cross_attn_image.v_proj"));
    assertTrue(MemoryLayers.quantizable("spatial_perceiver.layers.1.ff.3"));
    assertFalse(MemoryLayers.quantizable("memory_attention.layers.0.self_attn.q_proj"
        + NBitRewriter.PAIR_ROTATED));
    assertFalse(MemoryLayers.quantizable("obj_ptr_tpos_proj"));
    assertFalse(MemoryLayers.quantizable("memory_encoder.fuser.layers.0.pwconv1"));
  }
}
