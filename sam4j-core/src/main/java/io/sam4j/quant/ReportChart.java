package io.sam4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The quantization report as a PNG, drawn with Java2D: the headline numbers against float32
 * (mean mask IoU, embedding relative L2, encoder time, size; for the SAM 2 family the tracked
 * masks' IoU) as bars, and at 4 and 2 bits each
 * linear layer's relative output error, min-max (grey) against the chosen method (blue).
 */
final class ReportChart {
  private static final int W = 900;
  private static final Color BLUE = new Color(40, 100, 200);

  private ReportChart() {}

  static void write(JsonNode r, Path png) throws IOException {
    JsonNode layers = r.path("layers");
    JsonNode video = r.path("video_agreement");
    int extra = video.isObject() ? 40 : 0;
    int h = 260 + extra + (layers.isArray() && layers.size() > 0 ? 300 : 0);
    BufferedImage img = new BufferedImage(W, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(r.path("model").asText() + ": " + r.path("bits").asInt() + " bits, "
        + r.path("method").asText() + " (against float32, " + r.path("evaluated_on").asText()
        + ")", 20, 26);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    JsonNode a = r.path("agreement");
    JsonNode t = r.path("encoder_ms");
    JsonNode s = r.path("size_bytes");
    double fullSize = s.path("checkpoint").asDouble();
    bar(g, 60, "mean mask IoU", a.path("mask_iou_mean").asDouble(), 1,
        fmt("%.4f", a.path("mask_iou_mean").asDouble()));
    bar(g, 100, "embedding rel. L2", Math.min(1, a.path("embedding_rel_l2").asDouble()), 1,
        fmt("%.4f", a.path("embedding_rel_l2").asDouble()));
    double tf = t.path("fp32").asDouble();
    double tq = t.path("quantized").asDouble();
    bar(g, 140, "encoder time / fp32", tq / tf, Math.max(1, tq / tf),
        fmt("%.0f ms vs %.0f ms (%.2fx)", tq, tf, tf / tq));
    double sq = s.path("quantized_dir").asDouble();
    bar(g, 180, "size / checkpoint", sq / fullSize, 1,
        fmt("%.1f MB vs %.1f MB", sq / 1e6, fullSize / 1e6));
    if (video.isObject()) {
      bar(g, 220, "video mask IoU", video.path("mask_iou_mean").asDouble(), 1,
          fmt("%.4f (logits rel. L2 %.4f, %d frames)", video.path("mask_iou_mean").asDouble(),
              video.path("low_res_logits_rel_l2").asDouble(), video.path("frames").asInt()));
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString("resident memory added: " + fmt("%.0f MB quantized, %.0f MB float32",
        r.path("rss_added_mb").path("quantized").asDouble(),
        r.path("rss_added_mb").path("fp32").asDouble()), 20, 230 + extra);
    if (layers.isArray() && layers.size() > 0) {
      layerBars(g, layers, 270 + extra, h - 20);
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static void bar(Graphics2D g, int y, String label, double value, double max,
      String text) {
    g.setColor(Color.BLACK);
    g.drawString(label, 20, y + 14);
    int x0 = 190;
    int len = 450;
    g.setColor(new Color(230, 230, 230));
    g.fillRect(x0, y, len, 20);
    g.setColor(BLUE);
    g.fillRect(x0, y, (int) (len * Math.max(0, Math.min(1, value / max))), 20);
    g.setColor(Color.BLACK);
    g.drawString(text, x0 + len + 10, y + 14);
  }

  private static void layerBars(Graphics2D g, JsonNode layers, int top, int bottom) {
    g.setColor(Color.BLACK);
    g.drawString("relative output error per linear layer (grey: min-max, blue: chosen method),"
        + " on the calibration rows", 20, top - 6);
    double max = 0;
    for (JsonNode l : layers) {
      max = Math.max(max, l.path("minmax_rel_error").asDouble());
      max = Math.max(max, l.path("chosen_rel_error").asDouble());
    }
    int n = layers.size();
    double step = (W - 40.0) / n;
    int hgt = bottom - top - 10;
    for (int i = 0; i < n; i++) {
      JsonNode l = layers.get(i);
      int x = (int) (20 + i * step);
      int bw = Math.max(1, (int) (step / 2) - 1);
      int h1 = (int) (hgt * l.path("minmax_rel_error").asDouble() / max);
      int h2 = (int) (hgt * l.path("chosen_rel_error").asDouble() / max);
      g.setColor(Color.GRAY);
      g.fillRect(x, bottom - h1, bw, h1);
      g.setColor(BLUE);
      g.fillRect(x + bw, bottom - h2, bw, h2);
    }
    g.setColor(Color.BLACK);
    g.drawLine(20, bottom, W - 20, bottom);
    g.drawString(fmt("max %.3f", max), 20, top + 14);
  }

  private static String fmt(String f, Object... v) {
    return String.format(Locale.ROOT, f, v);
  }
}
