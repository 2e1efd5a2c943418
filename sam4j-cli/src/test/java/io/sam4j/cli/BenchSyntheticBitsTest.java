package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@code sam4j bench-synthetic --bits}: ViT-B with two blocks quantized by the library's quantizer
 * at 8 and 4 bits, sizes measured on disk, timed against fp32 in the same run.
 */
class BenchSyntheticBitsTest {
  /** Weights of ViT-B's linear layers, per block: qkv, proj, lin1, lin2 (12 d^2). */
  private static final double LINEAR_MB_PER_BLOCK = 12.0 * 768 * 768 * 4 / 1e6;

  @Test
  void reportsSizeTimeAndErrorPerBitWidth() throws IOException {
    // min-max: the Q-SAM2 weight search has its own tests (QuantizerTest) and takes a minute here
    CliRunner r = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--depth", "2", "--bits",
        "8,4", "--method", "minmax", "--rows", "256", "--runs", "2", "--json");
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals("vit_b (random weights)", j.get("model").asText());
    assertEquals(2, j.get("depth").asInt());
    double linear = j.get("linear_weights_fp32_mb").asDouble();
    double fp32Size = j.get("fp32_weights_mb").asDouble();
    assertEquals(2 * LINEAR_MB_PER_BLOCK, linear, 1e-9);
    // the rest: patch embedding, 64x64x768 position embedding, norms, relative positions, neck
    assertTrue(fp32Size > linear + 12 && fp32Size < linear + 20, "fp32 " + fp32Size);
    assertTrue(j.get("calibration_s").asDouble() > 0);
    assertTrue(j.get("calibration").asText().startsWith("2 generated 1024x768 images"));
    JsonNode fp32 = j.get("encoder_ms_fp32");
    double fp32Median = fp32.get("median").asDouble();
    assertTrue(fp32.get("min").asDouble() > 0 && fp32Median <= fp32.get("max").asDouble());
    for (String b : new String[] {"8", "4"}) {
      JsonNode q = j.get("bits").get(b);
      assertEquals("minmax", q.get("method").asText(), b);
      assertTrue(q.get("quantize_s").asDouble() > 0, b);
      JsonNode t = q.get("encoder_ms");
      assertTrue(t.get("min").asDouble() > 0 && t.get("min").asDouble()
          <= t.get("median").asDouble() && t.get("median").asDouble()
          <= t.get("max").asDouble(), b + ": " + t);
      assertEquals(fp32Median / t.get("median").asDouble(), q.get("speedup").asDouble(), 1e-9);
      double l2 = q.get("embedding_rel_l2").asDouble();
      assertTrue(Double.isFinite(l2) && l2 > 0 && l2 < 0.5, b + " bits: rel L2 " + l2);
      double graph = q.get("encoder_graph_mb").asDouble();
      assertTrue(graph > 0 && graph <= q.get("size_mb").asDouble(), b + ": " + q);
    }
    double size8 = j.get("bits").get("8").get("size_mb").asDouble();
    double size4 = j.get("bits").get("4").get("size_mb").asDouble();
    // 4 bits: the linear weights in 1/8 of their float size plus a scale and zero point per 32,
    // everything else float32 as it was
    double linear4 = size4 - (fp32Size - linear);
    assertTrue(linear4 > linear / 8 && linear4 < linear / 4, "4-bit linear weights " + linear4
        + " MB of " + linear);
    // 8 bits: linear layers and convolutions in int8, the position embedding float32
    assertTrue(size8 > size4 && size8 < fp32Size / 2, "8 bits " + size8 + " MB");
    assertTrue(j.get("peak_rss_mb").asDouble() > 0);
    assertTrue(j.has("load_average"));
  }

  @Test
  void refusesWhatItCannotDo() {
    CliRunner hiera = CliRunner.run("bench-synthetic", "--arch", "hiera_t", "--bits", "4");
    assertEquals(2, hiera.exitCode);
    assertTrue(hiera.err.contains("--bits applies to vit_b, vit_l and vit_h (SAM's ViTs), not"
        + " hiera_t"), hiera.err);
    CliRunner three = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--bits", "8,3");
    assertEquals(2, three.exitCode);
    assertTrue(three.err.contains("--bits must be 8, 4 or 2, got 3"), three.err);
    CliRunner twice = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--bits", "4,4");
    assertEquals(2, twice.exitCode);
    assertTrue(twice.err.contains("--bits names a width twice: [4, 4]"), twice.err);
    CliRunner method = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--bits", "4",
        "--method", "mse");
    assertEquals(2, method.exitCode);
    assertTrue(method.err.contains("--method 'mse' is not one of: minmax, calibrated"),
        method.err);
    CliRunner video = CliRunner.run("bench-synthetic", "--arch", "hiera_t", "--video", "--bits",
        "4");
    assertEquals(2, video.exitCode);
    assertTrue(video.err.contains("--bits does not apply with --video"), video.err);
    CliRunner help = CliRunner.run("bench-synthetic", "--help");
    for (String member : new String[] {"--bits", "linear_weights_fp32_mb", "size_mb",
        "embedding_rel_l2", "quantize_s", "--bits 8,4"}) {
      assertTrue(help.out.contains(member), member + " not documented in --help");
    }
  }

  @Test
  void generatedImagesAreDeterministicAndVaried() {
    RgbImage a = QuantizedSyntheticBench.colourField(64, 48, 1);
    RgbImage b = QuantizedSyntheticBench.colourField(64, 48, 1);
    RgbImage c = QuantizedSyntheticBench.colourField(64, 48, 2);
    assertEquals(a.pixels(), b.pixels());
    assertTrue(!a.pixels().equals(c.pixels()));
    int lo = 255;
    int hi = 0;
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        lo = Math.min(lo, a.get(x, y, 0));
        hi = Math.max(hi, a.get(x, y, 0));
      }
    }
    assertTrue(hi - lo > 60, "red spans " + lo + ".." + hi);
  }
}
