package io.sam4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Sam2Fixtures;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A manual measurement (not a test; run it with {@code -Dtest=Sam2MemoryQuantProbe}): the table of
 * docs/PERFORMANCE.md's "SAM 2 family" quantization section. Each fixture at 4 and 2 bits, min-max
 * and calibrated, calibrated on dog and reported on picture1: the memory attention's mean layer
 * error (on the calibration rows), the video agreement with float32, image mask IoU, and the
 * directory's size.
 */
class Sam2MemoryQuantProbe {
  @Test
  void table() throws Exception {
    Path tmp = Files.createTempDirectory("sam4j-memq");
    StringBuilder b = new StringBuilder("| fixture | bits | method | memory-attention layer error"
        + " (mean rel.) | video mask IoU | video logits rel. L2 | image mask IoU | dir / checkpoint"
        + " |\n|---|---|---|---|---|---|---|---|\n");
    for (Sam2Fixtures.Model m : Sam2Fixtures.Model.values()) {
      for (int bits : new int[] {4, 2}) {
        for (QuantizationSettings.Method method : QuantizationSettings.Method.values()) {
          Path out = tmp.resolve(m.dir + "-" + bits + "-" + method);
          long t0 = System.nanoTime();
          JsonNode r = Quantizer.quantize(Sam2Fixtures.checkpoint(m),
              Fixtures.root().resolve(m.dir + ".yaml"), List.of(Fixtures.imageFile("dog.jpg"),
                  Fixtures.imageFile("picture1.jpg")), new QuantizationSettings(bits, method, 32,
                  1, QuantizationSettings.DEFAULT_ROWS), out, RuntimeOptions.defaults(),
              ProgressListener.NONE).report();
          JsonNode ma = r.path("memory_attention_layer_error_summary");
          JsonNode v = r.path("video_agreement");
          String row = String.format(Locale.ROOT, "| %s | %d | %s | %.4f (min-max %.4f, %.0f%%"
              + " lower) | %.3f | %.3f | %.3f | %.2f / %.2f MB |%n", m.dir, bits,
              method.name().toLowerCase(Locale.ROOT), ma.path("mean_chosen").asDouble(),
              ma.path("mean_minmax").asDouble(), 100 * ma.path("reduction").asDouble(),
              v.path("mask_iou_mean").asDouble(), v.path("low_res_logits_rel_l2").asDouble(),
              r.path("agreement").path("mask_iou_mean").asDouble(),
              r.path("size_bytes").path("quantized_dir").asDouble() / 1e6,
              r.path("size_bytes").path("checkpoint").asDouble() / 1e6);
          System.out.print(row + String.format(Locale.ROOT, "  (%.0f s)%n",
              (System.nanoTime() - t0) / 1e9));
          b.append(row);
          String log = System.getProperty("sam4j.probe.log");
          if (log != null) {
            Files.writeString(Path.of(log), row, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
          }
        }
      }
    }
    System.out.println(b);
    io.sam4j.io.TempDirs.deleteQuietly(tmp);
  }
}
