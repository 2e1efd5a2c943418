package io.sam4j.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on the terminal: {@code [#####.....]  50%  512/1024 points  3.1 s}.
 * Drawn only when the output is an interactive terminal (or when forced), redrawn at most ten
 * times a second, and finished with a newline.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final String unit;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  /**
   * @param enabled false to draw nothing (output redirected to a file, or {@code --quiet})
   */
  ProgressBar(PrintWriter out, String unit, boolean enabled) {
    this.out = out;
    this.unit = unit;
    this.enabled = enabled;
  }

  /** Whether standard error is a terminal a bar can be drawn on. */
  static boolean terminal() {
    return System.console() != null;
  }

  /** Updates the bar. */
  synchronized void update(long done, long total) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L && drawn) {
      return;
    }
    lastDraw = now;
    drawn = true;
    int filled = total <= 0 ? WIDTH : (int) (WIDTH * done / total);
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    long pct = total <= 0 ? 100 : 100 * done / total;
    out.printf("\r[%s] %3d%%  %d/%d %s  %.1f s", bar, pct, done, total, unit,
        (now - start) / 1e9);
    out.flush();
  }

  @Override
  public synchronized void close() {
    if (enabled && drawn) {
      out.println();
      out.flush();
    }
  }
}
