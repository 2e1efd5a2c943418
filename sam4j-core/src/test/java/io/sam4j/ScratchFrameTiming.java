package io.sam4j;

import io.sam4j.image.RgbImage;
import io.sam4j.transform.PilResize;
import io.sam4j.transform.VideoFrameTransform;
import org.junit.jupiter.api.Test;

class ScratchFrameTiming {
  @Test
  void time() {
    byte[] rgb = new byte[960 * 540 * 3];
    for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 31 + i / 7);
    RgbImage img = RgbImage.of(960, 540, rgb);
    for (int r = 0; r < 30; r++) {
      long t0 = System.nanoTime();
      RgbImage res = PilResize.resize(img, 1024, 1024, PilResize.Filter.BICUBIC);
      long t1 = System.nanoTime();
      VideoFrameTransform.toInput(res, 1024);
      long t2 = System.nanoTime();
      PilResize.resize(img, 1024, 540, PilResize.Filter.BICUBIC);
      long t3 = System.nanoTime();
      if (r > 20) System.out.printf("resize %.1f normalize %.1f horizontal only %.1f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }
  }
}
