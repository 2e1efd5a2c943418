package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Fixtures.Model;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code sam4j bench --json}: every field, with values that make sense for the model. */
class BenchCommandTest {
  @ParameterizedTest
  @EnumSource(Model.class)
  void printsEveryField(Model m) throws IOException {
    // automatic mask generation (1024 prompts) only on the tiny model, to keep the test short
    boolean amg = m == Model.TINY;
    java.util.List<Object> args = new java.util.ArrayList<>(java.util.List.of("bench", "--model",
        Fixtures.checkpoint(m), "--image", Fixtures.imageFile("dog.jpg"), "--runs", "1", "--json"));
    if (m.specResource != null) {
      args.add("--spec");
      args.add(Fixtures.spec(m));
    }
    if (!amg) {
      args.add("--no-amg");
    }
    boolean profile = m == Model.TINY;
    if (profile) {
      args.add("--profile");
    }
    CliRunner r = CliRunner.run(args.toArray());
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertTrue(j.get("load_ms").asDouble() > 0);
    for (String t : new String[] {"encoder_ms", "decoder_ms", "decoder_lowres_ms",
        "decoder_batch64_ms"}) {
      JsonNode n = j.get(t);
      assertTrue(n.get("min").asDouble() > 0 && n.get("min").asDouble() <= n.get("median").asDouble()
          && n.get("median").asDouble() <= n.get("max").asDouble(), t + ": " + n);
    }
    // the encoder's work, counted from the graph: MobileSAM 77.5 GFLOPs (PyTorch's profiler
    // counts 77.6), the depth-2 ViT-B 2 of its 12 blocks plus patch embedding and neck
    double gflops = j.get("encoder_gflops").asDouble();
    if (m == Model.MOBILESAM) {
      assertEquals(77.6, gflops, 0.5);
    } else if (m == Model.SAM_VIT_B_D2) {
      assertTrue(gflops > 150 && gflops < 300, "ViT-B depth 2: " + gflops);
    } else {
      assertTrue(gflops > 0 && gflops < 10, "tiny: " + gflops);
    }
    double rate = j.get("encoder_gflops_per_s").asDouble();
    assertEquals(gflops / (j.get("encoder_ms").get("median").asDouble() / 1000), rate, 1e-6 * rate);
    assertTrue(j.get("matmul_peak_gflops_per_s").asDouble() > 1);
    assertTrue(j.get("peak_rss_mb").asDouble() > 100);
    assertEquals(amg, j.has("amg_s"));
    if (amg) {
      assertTrue(j.get("amg_s").asDouble() > 0);
    }
    assertFalse(j.has("fp32_agreement"), "only int8 runs compare with fp32");
    assertEquals(profile, j.has("encoder_ops_ms"));
    if (profile) {
      // the tiny ViT's work is in its matrix products and the patch embedding's convolution;
      // the kernels of one run take less than the whole run
      JsonNode ops = j.get("encoder_ops_ms");
      double sum = 0;
      double previous = Double.MAX_VALUE;
      for (var it = ops.fields(); it.hasNext(); ) {
        double v = it.next().getValue().asDouble();
        assertTrue(v >= 0 && v <= previous, "largest first: " + ops);
        previous = v;
        sum += v;
      }
      assertTrue(ops.has("Conv") && (ops.has("MatMul") || ops.has("Gemm")), ops.toString());
      assertTrue(sum > 0 && sum < 3 * j.get("encoder_ms").get("max").asDouble(), ops.toString());
    }
  }

  @Test
  void int8ReportsAgreementWithFp32() throws IOException {
    Model m = Model.MOBILESAM;
    CliRunner r = CliRunner.run("bench", "--model", Fixtures.checkpoint(m), "--image",
        Fixtures.imageFile("dog.jpg"), "--runs", "1", "--precision", "int8", "--no-amg", "--json");
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals("int8", j.get("precision").asText());
    JsonNode a = j.get("fp32_agreement");
    // 64 grid prompts x 3 masks; measured 0.02 and 0.99 when written
    assertEquals(192, a.get("masks").asInt());
    double l2 = a.get("embedding_rel_l2").asDouble();
    assertTrue(l2 > 0 && l2 < 0.05, "embeddings rel L2 " + l2);
    double iou = a.get("mask_iou_mean").asDouble();
    assertTrue(iou >= 0.95 && iou <= 1, "mean IoU " + iou);
  }

  @Test
  void syntheticEncoderComparesPrecisions() throws IOException {
    CliRunner r = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--depth", "1", "--runs",
        "1", "--json");
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals("vit_b (random weights)", j.get("model").asText());
    assertEquals(1, j.get("depth").asInt());
    double fp32 = j.get("encoder_ms_fp32").get("median").asDouble();
    double int8 = j.get("encoder_ms_int8").get("median").asDouble();
    assertTrue(fp32 > 0 && int8 > 0);
    assertEquals(fp32 / int8, j.get("int8_speedup").asDouble(), 1e-9);
    double l2 = j.get("embedding_rel_l2").asDouble();
    assertTrue(l2 > 0 && l2 < 0.05, "embeddings rel L2 " + l2);
    double gflops = j.get("encoder_gflops").asDouble();
    double peak = j.get("matmul_peak_gflops_per_s").asDouble();
    assertTrue(gflops > 50 && peak > 1, gflops + " GFLOP, peak " + peak);
    assertEquals(gflops / (fp32 / 1000) / peak, j.get("fraction_of_matmul_peak").asDouble(), 1e-9);
    assertTrue(j.get("session_build_ms_fp32").asDouble() > 0);
    CliRunner other = CliRunner.run("bench-synthetic", "--arch", "hiera_x", "--json");
    assertEquals(2, other.exitCode);
    assertTrue(other.err.contains("no architecture called 'hiera_x'; known: vit_b, vit_l, vit_h,"
        + " hiera_t, hiera_s, hiera_b+, hiera_l, efficienttam_ti, efficienttam_s, edgetam,"
        + " edge_sam, sam3"), other.err);
    CliRunner depth = CliRunner.run("bench-synthetic", "--arch", "hiera_t", "--depth", "2");
    assertEquals(2, depth.exitCode);
    assertTrue(depth.err.contains("--depth applies to vit_b, vit_l, vit_h and sam3 only"), depth.err);
    CliRunner bad = CliRunner.run("bench-synthetic", "--arch", "vit_x", "--json");
    assertEquals(2, bad.exitCode);
    assertTrue(bad.err.contains("no ViT called 'vit_x'; known: vit_b, vit_l, vit_h"), bad.err);
  }

  @Test
  void syntheticVideoChecksItsArguments() {
    CliRunner arch = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--video");
    assertEquals(2, arch.exitCode);
    assertTrue(arch.err.contains("--video takes --arch hiera_t, hiera_s, efficienttam_ti,"
        + " efficienttam_ti_512, edgetam; got 'vit_b'"), arch.err);
    CliRunner frames = CliRunner.run("bench-synthetic", "--arch", "edgetam", "--video",
        "--frames", "7");
    assertEquals(2, frames.exitCode);
    assertTrue(frames.err.contains("--frames must be at least 8 (frames 7 on are timed), got 7"),
        frames.err);
    CliRunner objects = CliRunner.run("bench-synthetic", "--arch", "edgetam", "--video",
        "--objects", "1,0");
    assertEquals(2, objects.exitCode);
    assertTrue(objects.err.contains("--objects takes counts from 1 to 6, got 0"), objects.err);
    CliRunner depth = CliRunner.run("bench-synthetic", "--arch", "hiera_t", "--video", "--depth",
        "1");
    assertEquals(2, depth.exitCode);
    assertTrue(depth.err.contains("--depth and --spec do not apply with --video"), depth.err);
    CliRunner help = CliRunner.run("bench-synthetic", "--help");
    for (String member : new String[] {"memory_attention_share", "ratio_to_one_object",
        "stage_ms_per_frame", "matmul_peak_gflops_per_s", "load_average"}) {
      assertTrue(help.out.contains(member), member + " not documented in --help");
    }
  }

  @Test
  void sam3WithTheFixtureSpecTimesEncoderAndPrompt() throws Exception {
    CliRunner r = CliRunner.run("bench-synthetic", "--arch", "sam3", "--spec",
        io.sam4j.fixtures.Fixtures.root().resolve("sam3_fixture.spec.json"), "--runs", "1",
        "--json");
    assertEquals(0, r.exitCode, r.err);
    JsonNode j = new ObjectMapper().readTree(r.out);
    assertEquals("sam3 (random weights)", j.get("model").asText());
    assertTrue(j.get("encoder_ms_fp32").get("median").asDouble() > 0);
    assertTrue(j.get("prompt_ms").get("median").asDouble() > 0);
    assertTrue(j.get("text_ms").get("median").asDouble() > 0);
    // the fixture's text tower: 2 layers of width 16 over 32 tokens and the resizer to 32
    assertTrue(j.get("text_gflops").asDouble() > 0 && j.get("text_gflops").asDouble() < 1e-3,
        "text_gflops " + j.get("text_gflops"));
    assertTrue(j.get("prompt_gflops").asDouble() > 0 && j.get("encoder_gflops").asDouble() > 0);
    double l2 = j.get("embedding_rel_l2").asDouble();
    assertTrue(l2 > 0 && l2 < 0.05, "int8 against fp32 rel L2 " + l2);
    CliRunner bad = CliRunner.run("bench-synthetic", "--arch", "vit_b", "--spec",
        io.sam4j.fixtures.Fixtures.root().resolve("sam3_fixture.spec.json"));
    assertEquals(2, bad.exitCode);
    assertTrue(bad.err.contains("--spec applies to --arch sam3 only"), bad.err);
  }
}
