package io.sam4j.cli;

import io.sam4j.eval.Robustness;
import io.sam4j.eval.corrupt.Corruption;
import io.sam4j.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The heatmap PNG and the HTML page of a robustness study. */
final class RobustnessReport {
  private RobustnessReport() {}

  static void heatmap(Robustness.RobustnessResult r, List<Integer> sev, Path png) {
    int cell = 56;
    int left = 140;
    int top = 40;
    int rows = r.miou().size();
    BufferedImage img = new BufferedImage(left + cell * sev.size() + 20, top + cell / 2 * rows + 20,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.drawString(String.format(Locale.ROOT, "mIoU (clean %.1f)", 100 * r.clean()), 8, 16);
    for (int j = 0; j < sev.size(); j++) {
      g.drawString("s" + sev.get(j), left + j * cell + cell / 2 - 6, top - 6);
    }
    int i = 0;
    for (Map.Entry<Corruption, Map<Integer, Double>> e : r.miou().entrySet()) {
      int y = top + i * cell / 2;
      g.setColor(Color.BLACK);
      g.drawString(e.getKey().id(), 8, y + cell / 3);
      for (int j = 0; j < sev.size(); j++) {
        double v = e.getValue().get(sev.get(j));
        double f = r.clean() > 0 ? Math.max(0, Math.min(1, v / r.clean())) : 0;
        g.setColor(new Color((int) (255 * (1 - f)), (int) (200 * f + 40), 60));
        g.fillRect(left + j * cell, y, cell - 2, cell / 2 - 2);
        g.setColor(Color.WHITE);
        g.drawString(String.format(Locale.ROOT, "%.1f", 100 * v), left + j * cell + 10,
            y + cell / 3);
      }
      i++;
    }
    g.dispose();
    AtomicFiles.write(png, out -> {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer");
      }
    });
  }

  static String html(Robustness.RobustnessResult r, List<Integer> sev, List<String> examples,
      int exampleSeverity) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>sam4j robustness"
        + "</title>\n<style>body{font-family:sans-serif}td,th{padding:4px 8px;text-align:right}"
        + "img.ex{width:200px}</style></head><body>\n<h1>Corruption robustness</h1>\n");
    sb.append(String.format(Locale.ROOT, "<p>Clean mIoU %.3f; mean drop %.3f (%.1f%%"
        + " relative).</p>%n", 100 * r.clean(), 100 * r.meanDrop(), 100 * r.meanRelativeDrop()));
    sb.append("<table><tr><th>corruption</th>");
    for (int s : sev) {
      sb.append("<th>s").append(s).append("</th>");
    }
    sb.append("<th>mean</th></tr>\n");
    r.miou().forEach((c, bySev) -> {
      sb.append("<tr><th>").append(c.id()).append("</th>");
      double sum = 0;
      for (int s : sev) {
        sum += bySev.get(s);
        sb.append(String.format(Locale.ROOT, "<td>%.3f</td>", 100 * bySev.get(s)));
      }
      sb.append(String.format(Locale.ROOT, "<td>%.3f</td></tr>%n", 100 * sum / sev.size()));
    });
    sb.append("</table>\n<h2>Heatmap</h2>\n<img src=\"heatmap.png\" alt=\"heatmap\">\n");
    sb.append("<h2>Examples (severity ").append(exampleSeverity).append(")</h2>\n<div>");
    for (String e : examples) {
      sb.append("<figure style=\"display:inline-block\"><img class=\"ex\" src=\"").append(e)
          .append("\"><figcaption>").append(e, e.indexOf('/') + 1, e.lastIndexOf('_'))
          .append("</figcaption></figure>\n");
    }
    return sb.append("</div></body></html>\n").toString();
  }
}
