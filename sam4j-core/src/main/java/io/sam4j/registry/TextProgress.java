package io.sam4j.registry;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows progress as text: on a terminal, one line redrawn in place,
 *
 * <pre>
 * downloading sam_vit_b [=============&gt;                ]  45%  168.8 MB / 375.0 MB  12.3 MB/s
 * segmenting everything [====&gt;                         ]  16%  160 / 1024 points  95.2 points/s
 * </pre>
 *
 * and elsewhere (a log, a test) one line per tenth of the way. Amounts are bytes, or counts of a
 * named unit. Notes are printed on their own line, prefixed {@code note: }.
 */
public final class TextProgress implements ProgressListener {
  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final boolean bar;
  private final LongSupplier clock;
  /** The counted unit ({@code "points"}), or null for bytes. */
  private final String unit;

  private String task;
  private long total;
  private long firstDone;
  private long done;
  private long startNanos;
  private long lastDrawNanos;
  private int lastTenth;
  private long printedDone;
  private boolean lineOpen;

  /**
   * Progress written to {@code out}.
   *
   * @param bar {@code true} to redraw one line with carriage returns (for a terminal), {@code
   *     false} for plain lines
   */
  public TextProgress(PrintWriter out, boolean bar) {
    this(out, bar, System::nanoTime);
  }

  /**
   * Progress written to {@code out}, timed by {@code nanoClock} (a stand-in for {@link
   * System#nanoTime()} in tests).
   */
  public TextProgress(PrintWriter out, boolean bar, LongSupplier nanoClock) {
    this(out, bar, nanoClock, null);
  }

  /**
   * Progress in counts of {@code unit} ({@code "images"}, {@code "points"}) instead of bytes.
   */
  public TextProgress(PrintWriter out, boolean bar, String unit) {
    this(out, bar, System::nanoTime, java.util.Objects.requireNonNull(unit, "unit"));
  }

  TextProgress(PrintWriter out, boolean bar, LongSupplier nanoClock, String unit) {
    this.out = java.util.Objects.requireNonNull(out, "out");
    this.bar = bar;
    this.clock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
    this.unit = unit;
  }

  @Override
  public void begin(String task, long done, long total) {
    this.task = task;
    this.total = total;
    this.firstDone = done;
    this.done = done;
    this.startNanos = clock.getAsLong();
    this.lastDrawNanos = startNanos;
    this.lastTenth = tenth(done);
    this.printedDone = done;
    if (bar) {
      draw();
    } else {
      out.println(task + (total >= 0 ? " (" + amount(total) + ")" : "")
          + (done > 0 ? ", starting at " + amount(done) : ""));
    }
    out.flush();
  }

  @Override
  public void update(long done) {
    this.done = done;
    long now = clock.getAsLong();
    if (bar) {
      if (now - lastDrawNanos >= REDRAW_NANOS) {
        lastDrawNanos = now;
        draw();
        out.flush();
      }
    } else if (tenth(done) > lastTenth) {
      lastTenth = tenth(done);
      printedDone = done;
      out.println("  " + status(now));
      out.flush();
    }
  }

  @Override
  public void end() {
    if (task == null) {
      return;
    }
    long now = clock.getAsLong();
    if (bar) {
      draw();
      out.println();
      lineOpen = false;
    } else if (done != printedDone) {
      out.println("  " + status(now));
    }
    out.flush();
    task = null;
  }

  @Override
  public void note(String message) {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
    out.println("note: " + message);
    out.flush();
  }

  /**
   * A byte count for people, in decimal units: {@code 999 B}, {@code 1.4 MB}, {@code 2.6 GB}.
   */
  public static String formatBytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private void draw() {
    StringBuilder line = new StringBuilder("\r").append(task);
    if (total > 0) {
      int filled = (int) (BAR_WIDTH * Math.min(done, total) / total);
      line.append(" [").append("=".repeat(filled));
      if (filled < BAR_WIDTH) {
        line.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
      }
      line.append(']');
    }
    line.append("  ").append(status(clock.getAsLong()));
    out.print(line);
    lineOpen = true;
  }

  /** {@code 45%  168.8 MB / 375.0 MB  12.3 MB/s}, leaving out what is unknown. */
  private String status(long now) {
    StringBuilder s = new StringBuilder();
    if (total > 0) {
      s.append(String.format(Locale.ROOT, "%3d%%  ", 100 * Math.min(done, total) / total));
    }
    if (unit == null) {
      s.append(formatBytes(done));
      if (total >= 0) {
        s.append(" / ").append(formatBytes(total));
      }
    } else {
      s.append(done).append(total >= 0 ? " / " + total : "").append(' ').append(unit);
    }
    double seconds = (now - startNanos) / 1e9;
    if (seconds > 0.001 && done > firstDone) {
      double rate = (done - firstDone) / seconds;
      s.append("  ").append(unit == null ? formatBytes((long) rate)
          : String.format(Locale.ROOT, "%.1f %s", rate, unit)).append("/s");
    }
    return s.toString();
  }

  private String amount(long n) {
    return unit == null ? formatBytes(n) : n + " " + unit;
  }

  private int tenth(long bytes) {
    return total > 0 ? (int) (10 * Math.min(bytes, total) / total) : 0;
  }
}
