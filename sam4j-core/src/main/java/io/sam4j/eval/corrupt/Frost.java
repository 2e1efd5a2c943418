package io.sam4j.eval.corrupt;

import io.sam4j.SamException;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.transform.PilResize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * ImageNet-C's {@code frost}: {@code clip(c0 * x + c1 * crop, 0, 255)} with a random HxW crop of
 * one of the reference's frost photographs ({@code frost1.png, frost2.png, frost3.png,
 * frost4.jpg, frost5.jpg}; {@code randint(5)} never picks {@code frost6.jpg}). sam4j does not ship
 * these photographs: point {@link #load} at the {@code imagenet_c/frost} folder of
 * hendrycks/robustness. A frost photograph smaller than the image is first scaled up to cover it.
 */
public final class Frost {
  private static final String[] FILES = {"frost1.png", "frost2.png", "frost3.png", "frost4.jpg",
      "frost5.jpg"};
  private static final double[][] C = {{1, 0.4}, {0.8, 0.6}, {0.7, 0.7}, {0.65, 0.7},
      {0.6, 0.75}};

  private final List<RgbImage> photos;

  private Frost(List<RgbImage> photos) {
    this.photos = List.copyOf(photos);
  }

  /**
   * Reads the five frost photographs from a folder.
   *
   * @throws SamException naming the first missing file
   */
  public static Frost load(Path dir) {
    List<RgbImage> out = new ArrayList<>();
    for (String f : FILES) {
      Path p = dir.resolve(f);
      if (!Files.isRegularFile(p)) {
        throw new SamException(SamException.Kind.IO, "frost photograph " + p + " does not exist;"
            + " frost needs the imagenet_c/frost folder of hendrycks/robustness");
      }
      out.add(Images.read(p));
    }
    return new Frost(out);
  }

  /** Frost from given photographs (at least one), for tests and other frost textures. */
  public static Frost of(List<RgbImage> photos) {
    if (photos.isEmpty()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "frost needs at least one photograph");
    }
    return new Frost(photos);
  }

  /** Applies frost at a severity 1..5 with the given seed. */
  public RgbImage apply(RgbImage img, int severity, long seed) {
    if (severity < 1 || severity > 5) {
      throw new SamException(SamException.Kind.BAD_INPUT, "severity must be 1..5, got " + severity);
    }
    RandomGenerator rng = new java.util.SplittableRandom(seed);
    RgbImage f = photos.get(rng.nextInt(photos.size()));
    int w = img.width();
    int h = img.height();
    if (f.width() < w || f.height() < h) {
      double s = Math.max((double) w / f.width(), (double) h / f.height());
      f = PilResize.resize(f, (int) Math.ceil(f.width() * s), (int) Math.ceil(f.height() * s),
          PilResize.Filter.BOX);
    }
    int y0 = f.height() > h ? rng.nextInt(f.height() - h) : 0;
    int x0 = f.width() > w ? rng.nextInt(f.width() - w) : 0;
    return blend(img, f, x0, y0, severity);
  }

  /** {@code clip(c0 * x + c1 * frost[y0:y0+H, x0:x0+W])}, truncated to 8 bits. */
  static RgbImage blend(RgbImage img, RgbImage frost, int x0, int y0, int severity) {
    double c0 = C[severity - 1][0];
    double c1 = C[severity - 1][1];
    int w = img.width();
    int h = img.height();
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          double v = c0 * img.get(x, y, c) + c1 * frost.get(x0 + x, y0 + y, c);
          out[(y * w + x) * 3 + c] = (byte) (int) Math.min(255, Math.max(0, v));
        }
      }
    }
    return RgbImage.of(w, h, out);
  }
}
