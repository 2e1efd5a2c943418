package io.sam4j.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress as plain lines and as a redrawn bar, timed by a fake clock. */
class TextProgressTest {
  private long now;
  private final StringWriter sw = new StringWriter();

  private TextProgress progress(boolean bar) {
    return new TextProgress(new PrintWriter(sw), bar, () -> now);
  }

  @Test
  void linesModePrintsEachTenth() {
    TextProgress p = progress(false);
    p.begin("downloading x", 0, 2_000_000);
    for (int i = 1; i <= 20; i++) {
      now += 50_000_000L; // 100 kB every 50 ms: 2 MB/s
      p.update(i * 100_000L);
    }
    p.end();
    List<String> lines = sw.toString().lines().toList();
    assertEquals(11, lines.size(), sw.toString());
    assertEquals("downloading x (2.0 MB)", lines.get(0));
    assertEquals("   10%  200.0 kB / 2.0 MB  2.0 MB/s", lines.get(1));
    assertEquals("  100%  2.0 MB / 2.0 MB  2.0 MB/s", lines.get(10));
  }

  @Test
  void countsNamedUnits() {
    TextProgress p = new TextProgress(new PrintWriter(sw), false, () -> now, "points");
    p.begin("segmenting everything", 0, 1024);
    for (int i = 1; i <= 16; i++) {
      now += 250_000_000L; // 64 points every 250 ms: 256 points/s
      p.update(i * 64L);
    }
    p.end();
    List<String> lines = sw.toString().lines().toList();
    assertEquals("segmenting everything (1024 points)", lines.get(0));
    assertEquals("   12%  128 / 1024 points  256.0 points/s", lines.get(1));
    assertEquals("  100%  1024 / 1024 points  256.0 points/s", lines.get(lines.size() - 1));
  }

  @Test
  void linesModeReportsWhereABrokenTransferStopped() {
    TextProgress p = progress(false);
    p.begin("downloading x", 500_000, 2_000_000);
    now += 1_000_000_000L;
    p.update(550_000);
    p.end();
    assertEquals(List.of("downloading x (2.0 MB), starting at 500.0 kB",
        "   27%  550.0 kB / 2.0 MB  50.0 kB/s"), sw.toString().lines().toList());
  }

  @Test
  void barModeRedrawsOneLine() {
    TextProgress p = progress(true);
    p.begin("downloading x", 0, 1000);
    now += 200_000_000L;
    p.update(500);
    p.note("resuming");
    now += 200_000_000L;
    p.update(1000);
    p.end();
    String out = sw.toString();
    assertTrue(out.startsWith("\rdownloading x [>" + " ".repeat(29) + "]    0%  0 B / 1.0 kB"), out);
    assertTrue(out.contains("\rdownloading x [" + "=".repeat(15) + ">" + " ".repeat(14)
        + "]   50%  500 B / 1.0 kB  2.5 kB/s\nnote: resuming\n"), out);
    assertTrue(out.endsWith("[" + "=".repeat(30) + "]  100%  1.0 kB / 1.0 kB  2.5 kB/s"
        + System.lineSeparator()), out);
  }

  @Test
  void unknownTotalShowsBytesOnly() {
    TextProgress p = progress(false);
    p.begin("downloading y", 0, -1);
    now += 1_000_000_000L;
    p.update(3_000_000);
    p.end();
    assertEquals(List.of("downloading y", "  3.0 MB  3.0 MB/s"), sw.toString().lines().toList());
  }

  @Test
  void bytesAreFormattedInDecimalUnits() {
    assertEquals("999 B", TextProgress.formatBytes(999));
    assertEquals("1.0 kB", TextProgress.formatBytes(1000));
    assertEquals("375.0 MB", TextProgress.formatBytes(375_042_383));
    assertEquals("2.6 GB", TextProgress.formatBytes(2_564_550_879L));
  }
}
