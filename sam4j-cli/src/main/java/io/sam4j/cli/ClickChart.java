package io.sam4j.cli;

import io.sam4j.eval.coco.EvaluationResult;
import io.sam4j.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A small line chart of mIoU against the number of clicks, drawn with Java2D. */
final class ClickChart {
  private ClickChart() {}

  static void write(EvaluationResult r, Path png) {
    int w = 480;
    int h = 320;
    int m = 48;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.GRAY);
    g.drawLine(m, h - m, w - m / 2, h - m);
    g.drawLine(m, m / 2, m, h - m);
    for (int t = 0; t <= 10; t += 2) {
      int y = h - m - (h - m - m / 2) * t / 10;
      g.drawString(String.format(Locale.ROOT, "%.1f", t / 10.0), 8, y + 4);
    }
    int n = r.clicks();
    g.drawString("clicks", w / 2 - 16, h - 12);
    g.drawString("mIoU (" + r.prompt().id() + ")", m + 8, 20);
    g.setColor(new Color(0x1f77b4));
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (int k = 0; k <= n; k++) {
      double v = r.miou(k, x -> true);
      int x = m + (w - m - m / 2 - 8) * k / Math.max(1, n);
      int y = h - m - (int) ((h - m - m / 2) * (Double.isNaN(v) ? 0 : v));
      g.fillOval(x - 3, y - 3, 6, 6);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.drawString(Integer.toString(k), x - 3, h - m + 16);
      px = x;
      py = y;
    }
    g.dispose();
    AtomicFiles.write(png, out -> {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer");
      }
    });
  }
}
