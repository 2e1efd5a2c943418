package io.sam4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Comparisons of mask PNGs (any non-zero first channel = foreground) in CLI tests. */
final class MaskPngs {
  private MaskPngs() {}

  /** Fraction of pixels on which two same-sized mask PNGs agree (foreground or not). */
  static double agreement(Path a, Path b) throws IOException {
    BufferedImage x = ImageIO.read(a.toFile());
    BufferedImage y = ImageIO.read(b.toFile());
    assertEquals(y.getWidth(), x.getWidth());
    assertEquals(y.getHeight(), x.getHeight());
    long same = 0;
    for (int j = 0; j < x.getHeight(); j++) {
      for (int i = 0; i < x.getWidth(); i++) {
        same += (x.getRaster().getSample(i, j, 0) != 0) == (y.getRaster().getSample(i, j, 0) != 0)
            ? 1 : 0;
      }
    }
    return (double) same / ((long) x.getWidth() * x.getHeight());
  }
}
