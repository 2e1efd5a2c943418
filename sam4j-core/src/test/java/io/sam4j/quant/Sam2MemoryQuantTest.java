package io.sam4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamModel;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.fixtures.Sam2Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.Sam2Encoders;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Point;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.FrameSource;
import io.sam4j.video.VideoTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The memory attention's low-bit weights on the three SAM 2-family fixtures (SAM 2.1, EfficientTAM
 * with its pooled cross-attention, EdgeTAM with its Spatial Perceiver): a 4-bit directory, written
 * and loaded back without the checkpoint, tracks the fixture's bedroom clip (its first two prompts,
 * then four frames) with the very logits and masks of the quantized model before it was written,
 * and not with float32's; Q-SAM2 calibration on dog's and picture1's clips gives each memory-attention
 * layer an output error on picture3's clip (held out) no worse than min-max's, at 4 and 2 bits, and at
 * least 10% less summed over the layers; EdgeTAM is quantized (its encoder stays float32).
 */
class Sam2MemoryQuantTest {
  private static final RuntimeOptions FP32 = RuntimeOptions.defaults();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static Path config(Sam2Fixtures.Model m) {
    return Fixtures.root().resolve(m.dir + ".yaml");
  }

  private static RgbImage image(String name) {
    return Images.read(Fixtures.imageFile(name + ".jpg"));
  }

  @ParameterizedTest
  @EnumSource(Sam2Fixtures.Model.class)
  void savedDirectoryTracksAsTheQuantizedModelBeforeSaving(Sam2Fixtures.Model m)
      throws Exception {
    Path checkpoint = Sam2Fixtures.checkpoint(m);
    StateDict sd = CheckpointReader.read(checkpoint);
    Sam2ModelSpec spec = Sam2Quantizer.spec(sd, checkpoint, config(m));
    QuantizationSettings s = new QuantizationSettings(4,
        QuantizationSettings.Method.CALIBRATED, 32, 1, QuantizationSettings.DEFAULT_ROWS);
    Sam2Quantizer.Prepared q = Sam2Quantizer.prepare(sd, spec, List.of(image("dog")), s, FP32,
        7, ProgressListener.NONE);
    Map<String, BlockQuantizer.Quantized> layers = q.memory().layers();
    assertFalse(layers.isEmpty());
    Path out = tmp.resolve(m.dir);
    List<CalibrationImages.Named> used = List.of(new CalibrationImages.Named(
        Fixtures.imageFile("dog.jpg"), image("dog")));
    List<CalibrationImages.Named> held = List.of(new CalibrationImages.Named(
        Fixtures.imageFile("picture1.jpg"), image("picture1")));
    Quantizer.Result r = Sam2Quantizer.write(sd, checkpoint, q, used, held, s, out, FP32,
        ProgressListener.NONE);
    JsonNode manifest = JSON.readTree(out.resolve(QuantizedModelDir.MANIFEST).toFile());
    List<String> listed = new ArrayList<>();
    manifest.path(MemoryLayers.MANIFEST_KEY).forEach(l -> listed.add(l.path("name").asText()));
    assertEquals(List.copyOf(layers.keySet()), listed);
    JsonNode video = r.report().path("video_agreement");
    System.out.printf("%s 4-bit calibrated: %d memory layers, video mask IoU %.4f, logits rel. L2"
        + " %.4f, dir %d bytes%n", m, layers.size(), video.path("mask_iou_mean").asDouble(),
        video.path("low_res_logits_rel_l2").asDouble(),
        r.report().path("size_bytes").path("quantized_dir").asLong());
    assertEquals(VideoClips.REPORT_FRAMES, video.path("frames").asInt());
    assertTrue(video.path("mask_iou_mean").asDouble() > 0.5, video.toString());

    Path moved = Files.move(out, tmp.resolve("moved-" + m.dir));
    List<FrameResult> before;
    StateDict dequantized = MemoryLayers.withDequantized(sd, layers);
    try (SamModel model = SamModel.sam2FromParts(dequantized, spec, q.encoder(),
        MemoryLayers.videoLayers(layers), FP32)) {
      before = trackBedroom(m, model::newTracker);
    }
    List<FrameResult> after;
    try (SamModel loaded = SamModel.load(moved)) {
      after = trackBedroom(m, loaded::newTracker);
    }
    List<FrameResult> floats;
    try (SamModel model = SamModel.sam2FromParts(sd, spec, q.encoder(),
        io.sam4j.video.VideoLayers.FLOAT, FP32)) {
      floats = trackBedroom(m, model::newTracker);
    }
    assertEquals(before.size(), after.size());
    assertEquals(4, after.size());
    double num = 0;
    double den = 0;
    for (int i = 0; i < before.size(); i++) {
      for (int obj : new int[] {1, 2}) {
        float[] a = before.get(i).object(obj).lowResLogits();
        float[] b = after.get(i).object(obj).lowResLogits();
        assertArrayEquals(a, b, m + " frame " + i + " object " + obj + ": logits");
        assertArrayEquals(before.get(i).object(obj).mask().toByteArray(),
            after.get(i).object(obj).mask().toByteArray(), m + " frame " + i + " obj " + obj);
        if (i > 0) {
          float[] f = floats.get(i).object(obj).lowResLogits();
          for (int j = 0; j < f.length; j++) {
            num += (b[j] - f[j]) * (double) (b[j] - f[j]);
            den += f[j] * (double) f[j];
          }
        }
      }
    }
    // same (quantized) encoder: what differs from float32 here is the memory attention alone
    double rel = Math.sqrt(num / den);
    System.out.printf("%s: tracked frames 1-3, memory attention 4-bit vs float32 logits rel. L2"
        + " %.4f%n", m, rel);
    assertTrue(rel > 1e-4, "the loaded model's memory attention is not quantized: " + rel);
  }

  /** The fixture's first two prompts on frame 0 (a click, a box), then frames 1-3 tracked. */
  private static List<FrameResult> trackBedroom(Sam2Fixtures.Model m,
      Function<FrameSource, VideoTracker> open) throws Exception {
    JsonNode steps = JSON.readTree(Fixtures.root().resolve(m.dir + "/video_bedroom/steps.json")
        .toFile()).get("steps");
    JsonNode click = steps.get(0).get("points").get(0);
    JsonNode box = steps.get(1).get("box");
    List<FrameResult> out = new ArrayList<>();
    try (FolderFrameSource frames = FolderFrameSource.open(Fixtures.root()
            .resolve("video/bedroom"));
         VideoTracker t = open.apply(frames)) {
      t.addPoints(0, 1, List.of(new Point(click.get(0).asDouble(), click.get(1).asDouble(),
          Label.FOREGROUND)));
      t.addBox(0, 2, new Box(box.get(0).asDouble(), box.get(1).asDouble(),
          box.get(2).asDouble(), box.get(3).asDouble()));
      t.propagate(0, false, 3, out::add);
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Sam2Fixtures.Model.class)
  void calibratedBeatsMinmaxOnEveryMemoryAttentionLayer(Sam2Fixtures.Model m) {
    Path checkpoint = Sam2Fixtures.checkpoint(m);
    StateDict sd = CheckpointReader.read(checkpoint);
    Sam2ModelSpec spec = Sam2Quantizer.spec(sd, checkpoint, config(m));
    var encoder = Sam2Encoders.graph(sd, spec, List.of());
    Map<String, Calibration.Rows> cal = VideoCalibration.run(sd, spec, encoder,
        List.of(image("dog"), image("picture1")), 2048, 1, FP32, ProgressListener.NONE);
    Map<String, Calibration.Rows> test = VideoCalibration.run(sd, spec, encoder,
        List.of(image("picture3")), 1024, 2, FP32, ProgressListener.NONE);
    assertEquals(cal.keySet(), test.keySet());
    assertTrue(cal.keySet().stream().allMatch(MemoryLayers::quantizable), cal.keySet()
        .toString());
    // two memory-attention layers of ten linear layers each (EdgeTAM: and the perceiver's)
    assertTrue(cal.size() >= 20, cal.keySet().toString());
    for (int bits : new int[] {4, 2}) {
      double sumMm = 0;
      double sumCal = 0;
      for (Map.Entry<String, Calibration.Rows> e : cal.entrySet()) {
        String name = e.getKey();
        var t = sd.get(name + ".weight");
        int out = t.dim(0);
        int in = t.dim(1);
        float[] w = t.toFloatArray();
        Calibration.Rows held = test.get(name);
        QuantizationSettings s = new QuantizationSettings(bits, QuantizationSettings.Method.MINMAX,
            32, 1, 2048);
        float[] mm = NBitQuantization.quantize(s, name, w, out, in, e.getValue()).weight()
            .dequantize();
        float[] q = NBitQuantization.quantize(new QuantizationSettings(bits,
            QuantizationSettings.Method.CALIBRATED, 32, 1, 2048), name, w, out, in, e.getValue(),
            MemoryLayers.DAMPING).weight().dequantize();
        double eMm = BlockQuantizer.relativeOutputError(w, mm, out, in, held.data(), held.count());
        double eCal = BlockQuantizer.relativeOutputError(w, q, out, in, held.data(),
            held.count());
        System.out.printf("%s %d bits %-55s min-max %.4f calibrated %.4f%n", m, bits, name, eMm,
            eCal);
        assertTrue(eCal <= eMm, m + " " + bits + " bits, " + name + ": calibrated " + eCal
            + " > min-max " + eMm);
        sumMm += eMm;
        sumCal += eCal;
      }
      System.out.printf("%s %d bits: %d layers, calibrated / min-max %.3f%n", m, bits, cal.size(),
          sumCal / sumMm);
      assertTrue(sumCal <= 0.9 * sumMm, m + " " + bits + " bits overall: calibrated " + sumCal
          + ", min-max " + sumMm);
    }
  }

  @Test
  void edgeTamIsQuantizedWithItsEncoderInFloat() throws Exception {
    Sam2Fixtures.Model m = Sam2Fixtures.Model.EDGETAM;
    Path out = tmp.resolve("edgetam-w2");
    Quantizer.Result r = Quantizer.quantize(Sam2Fixtures.checkpoint(m), config(m),
        List.of(Fixtures.imageFile("dog.jpg"), Fixtures.imageFile("picture1.jpg")),
        new QuantizationSettings(2, QuantizationSettings.Method.MINMAX, 32, 1, 512), out, FP32,
        ProgressListener.NONE);
    JsonNode manifest = JSON.readTree(out.resolve(QuantizedModelDir.MANIFEST).toFile());
    assertTrue(manifest.path("image_encoder").asText().startsWith("float32"), manifest.toString());
    assertTrue(manifest.path("scheme").asText().contains("spatial perceiver"));
    List<String> names = new ArrayList<>();
    manifest.path(MemoryLayers.MANIFEST_KEY).forEach(l -> {
      names.add(l.path("name").asText());
      assertEquals(2, l.path("bits").asInt());
    });
    assertTrue(names.stream().anyMatch(n -> n.startsWith("spatial_perceiver.")), names.toString());
    assertTrue(names.contains("memory_attention.layers.0.cross_attn_image.k_proj"),
        names.toString());
    assertTrue(names.contains("memory_attention.layers.1.linear2"), names.toString());
    assertEquals(names.size(), r.report().path("memory_attention_layer_error_summary")
        .path("layers").asInt());
    assertTrue(r.report().path("image_encoder").asText().startsWith("float32"));
    assertTrue(r.report().has("video_agreement"));
    try (SamModel q = SamModel.load(out)) {
      List<io.sam4j.video.ObjectResult> track = VideoClips.track(q::newTracker, image("picture1"),
          3);
      assertEquals(3, track.size());
      assertTrue(track.stream().allMatch(io.sam4j.video.ObjectResult::hasOutput));
    }
  }
}
