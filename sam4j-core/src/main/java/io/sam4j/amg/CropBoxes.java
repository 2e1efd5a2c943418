package io.sam4j.amg;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's {@code generate_crop_boxes}: the whole image as layer 0, then for layer i
 * (1-based) a 2^i x 2^i grid of overlapping crops.
 */
public final class CropBoxes {
  /** One crop: XYXY pixel box and its layer. */
  public record Crop(int x0, int y0, int x1, int y1, int layer) {
    public int width() {
      return x1 - x0;
    }

    public int height() {
      return y1 - y0;
    }
  }

  private CropBoxes() {}

  /** Crops for an image of the given size (H, W). */
  public static List<Crop> generate(int height, int width, int layers, double overlapRatio) {
    List<Crop> out = new ArrayList<>();
    out.add(new Crop(0, 0, width, height, 0));
    int shortSide = Math.min(height, width);
    for (int layer = 0; layer < layers; layer++) {
      int perSide = 1 << (layer + 1);
      int overlap = (int) (overlapRatio * shortSide * (2.0 / perSide));
      int cropW = cropLength(width, perSide, overlap);
      int cropH = cropLength(height, perSide, overlap);
      // itertools.product(x0s, y0s): x outer, y inner
      for (int i = 0; i < perSide; i++) {
        int x0 = (cropW - overlap) * i;
        for (int j = 0; j < perSide; j++) {
          int y0 = (cropH - overlap) * j;
          out.add(new Crop(x0, y0, Math.min(x0 + cropW, width), Math.min(y0 + cropH, height),
              layer + 1));
        }
      }
    }
    return out;
  }

  private static int cropLength(int origLen, int nCrops, int overlap) {
    return (int) Math.ceil((overlap * (nCrops - 1) + origLen) / (double) nCrops);
  }
}
