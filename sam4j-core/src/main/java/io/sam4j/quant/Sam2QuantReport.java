package io.sam4j.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sam4j.SamModel;
import io.sam4j.SamPredictor;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.prompt.Prompt;
import io.sam4j.registry.ProgressListener;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.ObjectResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of a SAM 2-family quantization ({@code report.json}): the quantized directory,
 * loaded as a user loads it, against the float32 checkpoint on the given images — mean mask IoU
 * over 64 point and 16 box prompts per image, the relative L2 of the low-resolution logits of
 * all of them concatenated and of the image embedding — the video agreement (a short clip of
 * each image tracked by both, {@link VideoClips}: mean IoU of the tracked masks, relative L2 of
 * their low-res logits), encoder time in the same run, sizes, and each quantized linear layer's
 * output error (min-max and the chosen method; the encoder's, then the memory attention's).
 */
final class Sam2QuantReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMED_RUNS = 3;

  /** Evaluation images whose clips the report tracks, at most. */
  private static final int VIDEO_IMAGES = 4;

  private Sam2QuantReport() {}

  /**
   * The video agreement: a clip of each evaluation image ({@link VideoClips}, at most
   * {@value #VIDEO_IMAGES}) tracked by both models; mean IoU of object 1's masks over all frames
   * and the relative L2 of its low-res logits, all frames concatenated.
   */
  private static void video(ObjectNode r, SamModel ref, SamModel q,
      List<CalibrationImages.Named> images, ProgressListener progress) {
    int n = Math.min(VIDEO_IMAGES, images.size());
    progress.begin("tracking " + n + " clip(s) of " + VideoClips.REPORT_FRAMES
        + " frames with both models", 0, n);
    double iou = 0;
    int frames = 0;
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      RgbImage img = images.get(i).image();
      List<ObjectResult> f = VideoClips.track(ref::newTracker, img, VideoClips.REPORT_FRAMES);
      List<ObjectResult> g = VideoClips.track(q::newTracker, img, VideoClips.REPORT_FRAMES);
      for (int k = 0; k < f.size(); k++) {
        iou += f.get(k).mask().iou(g.get(k).mask());
        frames++;
        float[] a = f.get(k).lowResLogits();
        float[] b = g.get(k).lowResLogits();
        for (int j = 0; j < a.length; j++) {
          double d = (double) b[j] - a[j];
          num += d * d;
          den += (double) a[j] * a[j];
        }
      }
      progress.update(i + 1);
    }
    progress.end();
    ObjectNode v = r.putObject("video_agreement");
    v.put("clip", "each evaluation image repeated for " + VideoClips.REPORT_FRAMES + " frames,"
        + " one box (the central half) on frame 0, tracked forward; " + n + " image(s)");
    v.put("frames", frames);
    v.put("mask_iou_mean", iou / frames);
    v.put("low_res_logits_rel_l2", Math.sqrt(num / den));
  }

  static ObjectNode evaluate(StateDict sd, Sam2ModelSpec spec, Path checkpoint, Path dir,
      ObjectNode manifest, List<CalibrationImages.Named> images, boolean heldOut,
      Sam2Quantizer.Prepared prepared, RuntimeOptions options,
      ProgressListener progress) throws IOException {
    ObjectNode r = QuantReport.header(spec.name(), manifest, images, heldOut);
    RuntimeOptions fp32 = new RuntimeOptions(options.threads(), true,
        RuntimeOptions.Precision.FP32);
    progress.begin("comparing with float32 on " + images.size() + " image(s)", 0,
        images.size() + 2L * TIMED_RUNS);
    try (SamModel ref = SamModel.fromStateDict(sd, spec, fp32);
         SamPredictor pr = ref.newPredictor();
         SamModel q = SamModel.load(dir, null, fp32);
         SamPredictor pq = q.newPredictor()) {
      RgbImage first = images.get(0).image();
      double[] tf = new double[TIMED_RUNS];
      double[] tq = new double[TIMED_RUNS];
      for (int i = 0; i < TIMED_RUNS; i++) {
        tf[i] = QuantReport.time(() -> pr.setImage(first));
        progress.update(2L * i + 1);
        tq[i] = QuantReport.time(() -> pq.setImage(first));
        progress.update(2L * i + 2);
      }
      ObjectNode t = r.putObject("encoder_ms");
      t.put("fp32", QuantReport.median(tf));
      t.put("quantized", QuantReport.median(tq));
      t.put("speedup", QuantReport.median(tf) / QuantReport.median(tq));
      double emb = 0;
      double pointIou = 0;
      double boxIou = 0;
      double num = 0;
      double den = 0;
      for (int i = 0; i < images.size(); i++) {
        RgbImage img = images.get(i).image();
        pr.setImage(img);
        pq.setImage(img);
        emb += QuantReport.relL2(pq.embedding().data(), pr.embedding().data());
        List<Prompt> points = QuantReport.points(img);
        List<Prompt> boxes = QuantReport.boxes(img);
        List<Prediction> fp = new ArrayList<>(pr.predictBatch(points));
        List<Prediction> qp = new ArrayList<>(pq.predictBatch(points));
        pointIou += QuantReport.meanIou(fp, qp);
        List<Prediction> fb = pr.predictBatch(boxes);
        List<Prediction> qb = pq.predictBatch(boxes);
        boxIou += QuantReport.meanIou(fb, qb);
        fp.addAll(fb);
        qp.addAll(qb);
        for (int k = 0; k < fp.size(); k++) {
          for (int m = 0; m < fp.get(k).size(); m++) {
            float[] a = fp.get(k).lowResLogits(m);
            float[] b = qp.get(k).lowResLogits(m);
            for (int j = 0; j < a.length; j++) {
              double d = (double) b[j] - a[j];
              num += d * d;
              den += (double) a[j] * a[j];
            }
          }
        }
        progress.update(2L * TIMED_RUNS + i + 1);
      }
      int n = images.size();
      ObjectNode a = r.putObject("agreement");
      a.put("embedding_rel_l2", emb / n);
      a.put("low_res_logits_rel_l2", Math.sqrt(num / den));
      a.put("mask_iou_points", pointIou / n);
      a.put("mask_iou_boxes", boxIou / n);
      a.put("mask_iou_mean", (pointIou + boxIou) / (2 * n));
      progress.end();
      video(r, ref, q, images, progress);
    } finally {
      progress.end();
    }
    ObjectNode size = r.putObject("size_bytes");
    size.put("checkpoint", Files.size(checkpoint));
    size.put("quantized_dir", QuantReport.dirSize(dir));
    size.put("encoder_graph", Files.size(dir.resolve(QuantizedModelDir.ENCODER)));
    if (Files.isRegularFile(dir.resolve(MemoryLayers.FILE))) {
      size.put("memory_layers", Files.size(dir.resolve(MemoryLayers.FILE)));
    }
    r.put("image_encoder", prepared.encoderQuantized() ? "quantized"
        : "float32: it has no linear layer (a convolutional trunk)");
    QuantReport.layers(r, prepared.errors());
    if (!prepared.memory().errors().isEmpty()) {
      ObjectNode m = JSON.createObjectNode();
      QuantReport.layers(m, prepared.memory().errors());
      r.set("memory_attention_layer_error_summary", m.get("layer_error_summary"));
    }
    r.put("peak_rss_mb", QuantReport.peakRssMb());
    return r;
  }
}
