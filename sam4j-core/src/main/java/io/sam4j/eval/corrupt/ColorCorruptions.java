package io.sam4j.eval.corrupt;

import io.sam4j.image.RgbImage;

/** brightness and contrast (ImageNet-C "digital"), in float64 as numpy/skimage compute them. */
final class ColorCorruptions {
  private ColorCorruptions() {}

  private static final double[] CONTRAST = {0.4, .3, .2, .1, .05};
  private static final double[] BRIGHTNESS = {.1, .2, .3, .4, .5};

  /** {@code clip((x - mean) * c + mean, 0, 1)} with the per-channel mean of the whole image. */
  static RgbImage contrast(RgbImage img, int severity) {
    double c = CONTRAST[severity - 1];
    FloatImage x = FloatImage.of(img, 255.0);
    double[] means = new double[3];
    for (int ch = 0; ch < 3; ch++) {
      means[ch] = PairwiseSum.strided(x.v, ch, 3, x.v.length / 3) / (x.v.length / 3);
    }
    for (int i = 0; i < x.v.length; i++) {
      double m = means[i % 3];
      x.v[i] = (x.v[i] - m) * c + m;
    }
    return x.toRgbClipUnit();
  }

  /** skimage {@code rgb2hsv}, V += c clipped to [0, 1], {@code hsv2rgb}. */
  static RgbImage brightness(RgbImage img, int severity) {
    double c = BRIGHTNESS[severity - 1];
    FloatImage x = FloatImage.of(img, 255.0);
    double[] hsv = new double[3];
    for (int i = 0; i < x.v.length; i += 3) {
      rgb2hsv(x.v[i], x.v[i + 1], x.v[i + 2], hsv);
      hsv[2] = Math.min(1, Math.max(0, hsv[2] + c));
      hsv2rgb(hsv[0], hsv[1], hsv[2], x.v, i);
    }
    return x.toRgbClipUnit();
  }

  /** skimage 0.19 {@code rgb2hsv} of one pixel (ties: blue over green over red). */
  static void rgb2hsv(double r, double g, double b, double[] out) {
    double v = Math.max(r, Math.max(g, b));
    double delta = v - Math.min(r, Math.min(g, b));
    double s = delta == 0 ? 0 : delta / v;
    double h = 0;
    if (r == v) {
      h = (g - b) / delta;
    }
    if (g == v) {
      h = 2. + (b - r) / delta;
    }
    if (b == v) {
      h = 4. + (r - g) / delta;
    }
    h = h / 6.;
    h = h - Math.floor(h); // Python's % 1.0 for floats
    if (delta == 0 || Double.isNaN(h)) {
      h = 0;
    }
    if (Double.isNaN(s)) {
      s = 0;
    }
    out[0] = h;
    out[1] = s;
    out[2] = v;
  }

  /** skimage 0.19 {@code hsv2rgb} of one pixel, written to {@code out[at..at+2]}. */
  static void hsv2rgb(double h, double s, double v, double[] out, int at) {
    double hi = Math.floor(h * 6);
    double f = h * 6 - hi;
    double p = v * (1 - s);
    double q = v * (1 - f * s);
    double t = v * (1 - (1 - f) * s);
    int k = ((int) hi & 0xff) % 6;
    double r;
    double g;
    double b;
    switch (k) {
      case 0 -> { r = v; g = t; b = p; }
      case 1 -> { r = q; g = v; b = p; }
      case 2 -> { r = p; g = v; b = t; }
      case 3 -> { r = p; g = q; b = v; }
      case 4 -> { r = t; g = p; b = v; }
      default -> { r = v; g = p; b = q; }
    }
    out[at] = r;
    out[at + 1] = g;
    out[at + 2] = b;
  }
}
