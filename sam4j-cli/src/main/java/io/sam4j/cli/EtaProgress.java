package io.sam4j.cli;

import io.sam4j.registry.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line terminal progress bar in counts with rate and ETA:
 * {@code evaluating annotations [=====>    ]  45%  120 / 266 annotations  2.1/s  ETA 1:09}.
 * Redrawn at most every 200 ms; the ETA is measured from this run's own rate (a resumed run's
 * earlier work does not count).
 */
final class EtaProgress implements ProgressListener {
  private static final int BAR = 24;
  private final PrintWriter out;
  private final String unit;
  private String task = "";
  private long total;
  private long first;
  private long done;
  private long start;
  private long lastDraw;

  EtaProgress(PrintWriter out, String unit) {
    this.out = out;
    this.unit = unit;
  }

  /** A bar on a terminal, nothing otherwise (logs keep only the results). */
  static ProgressListener of(PrintWriter err, String unit) {
    return Cli.terminal() ? new EtaProgress(err, unit) : ProgressListener.NONE;
  }

  @Override
  public void begin(String task, long done, long total) {
    this.task = task;
    this.first = done;
    this.done = done;
    this.total = total;
    this.start = System.nanoTime();
    draw(true);
  }

  @Override
  public void update(long done) {
    this.done = done;
    draw(false);
  }

  @Override
  public void end() {
    draw(true);
    out.println();
    out.flush();
  }

  private void draw(boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    StringBuilder s = new StringBuilder("\r").append(task);
    if (total > 0) {
      int filled = (int) (BAR * Math.min(done, total) / total);
      s.append(" [").append("=".repeat(filled)).append(filled < BAR ? ">" : "")
          .append(" ".repeat(Math.max(0, BAR - filled - 1))).append(']');
      s.append(String.format(Locale.ROOT, " %3d%%", 100 * Math.min(done, total) / total));
    }
    s.append("  ").append(done).append(total > 0 ? " / " + total : "").append(' ').append(unit);
    double seconds = (now - start) / 1e9;
    if (done > first && seconds > 0.001) {
      double rate = (done - first) / seconds;
      s.append(String.format(Locale.ROOT, "  %.2f/s", rate));
      if (total > 0 && done < total) {
        long eta = Math.round((total - done) / rate);
        s.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
      }
    }
    out.print(s);
    out.flush();
  }
}
