package io.sam4j.eval.corrupt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sam4j.SamException;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ImageNet-C corruptions against the reference outputs (metrics/corruptions). */
class CorruptionsTest {
  private static Path dir() {
    return Fixtures.root().resolve("metrics").resolve("corruptions");
  }

  private static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(dir().resolve("expected.json").toFile());
  }

  /** Fraction of values off by more than 1, and the largest difference. */
  static double[] offByMoreThanOne(RgbImage a, RgbImage b) {
    assertEquals(a.width(), b.width());
    assertEquals(a.height(), b.height());
    byte[] x = a.toByteArray();
    byte[] y = b.toByteArray();
    int off = 0;
    int max = 0;
    for (int i = 0; i < x.length; i++) {
      int d = Math.abs((x[i] & 0xff) - (y[i] & 0xff));
      max = Math.max(max, d);
      if (d > 1) {
        off++;
      }
    }
    return new double[] {(double) off / x.length, max};
  }

  @Test
  void deterministicCorruptionsMatchTheReferenceOnA320x214Photo() {
    RgbImage in = Images.read(dir().resolve("input.png"));
    List<String> report = new ArrayList<>();
    for (String name : List.of("brightness", "contrast", "defocus_blur", "zoom_blur", "pixelate")) {
      for (int s = 1; s <= 5; s++) {
        RgbImage ref = Images.read(dir().resolve("det").resolve(name + "_s" + s + ".png"));
        RgbImage got = Corruptions.apply(in, Corruptions.parse(name), s, 0);
        double[] r = offByMoreThanOne(got, ref);
        report.add(name + " s" + s + ": " + r[0] + " off by >1, max " + r[1]);
        assertTrue(r[0] <= 0.01, report.get(report.size() - 1));
        if (name.equals("pixelate")) {
          assertEquals(0, r[1], "pixelate is a port of Pillow's BOX: exact");
        }
      }
    }
    System.out.println(String.join("\n", report));
  }

  @Test
  void generalisationEqualsTheReferenceAt224() {
    RgbImage in = Images.read(dir().resolve("input224.png"));
    for (String name : List.of("zoom_blur", "pixelate")) {
      for (int s = 1; s <= 5; s++) {
        RgbImage ref = Images.read(dir().resolve("ref224").resolve(name + "_s" + s + ".png"));
        double[] r = offByMoreThanOne(Corruptions.apply(in, Corruptions.parse(name), s, 0), ref);
        assertTrue(r[0] <= 0.01, name + " s" + s + " " + r[0]);
      }
    }
  }

  @Test
  void defocusKernelsAndZoomFactorsAreTheReferences() throws IOException {
    JsonNode c = expected().get("corruptions");
    for (int s = 1; s <= 5; s++) {
      JsonNode k = c.get("defocus_blur").get("kernels_float32").get(Integer.toString(s));
      float[][] got = BlurCorruptions.defocusKernel(s);
      assertEquals(k.size(), got.length);
      for (int y = 0; y < got.length; y++) {
        for (int x = 0; x < got.length; x++) {
          assertEquals(k.get(y).get(x).asDouble(), got[y][x], 2e-8, "kernel s" + s);
        }
      }
      JsonNode z = c.get("zoom_blur").get("zoom_factors").get(Integer.toString(s));
      double[] f = BlurCorruptions.zoomFactors(s);
      double[] e = new double[z.size()];
      for (int i = 0; i < e.length; i++) {
        e[i] = z.get(i).asDouble();
      }
      assertArrayEquals(e, f, 0.0, "zoom factors s" + s);
    }
  }

  @Test
  void motionBlurAtTheRecordedAngleMatchesImageMagick() throws IOException {
    RgbImage in = Images.read(dir().resolve("input.png"));
    JsonNode sev = expected().get("corruptions").get("motion_blur").get("severities");
    for (int s = 1; s <= 5; s++) {
      double angle = sev.get(Integer.toString(s)).get("per_seed").get(0).get("angle_deg").asDouble();
      RgbImage ref = Images.read(dir().resolve("cond").resolve("motion_blur_s" + s + "_seed0.png"));
      double[] r = offByMoreThanOne(RandomBlurCorruptions.motionBlur(in, s, angle), ref);
      assertTrue(r[0] <= 0.01, "motion_blur s" + s + " " + r[0] + " max " + r[1]);
    }
  }

  @Test
  void jpegCompressionHasTheReferenceQuality() throws IOException {
    RgbImage in = Images.read(dir().resolve("input.png"));
    JsonNode sev = expected().get("corruptions").get("jpeg_compression").get("severities");
    for (int s = 1; s <= 5; s++) {
      RgbImage png = Images.read(dir().resolve("det").resolve("jpeg_compression_s" + s + ".png"));
      RgbImage decoded = Images.read(dir().resolve("det").resolve("jpeg_compression_s" + s + ".jpg"));
      assertTrue(offByMoreThanOne(decoded, png)[1] <= 1, "decoding the reference JPEG s" + s);
      RgbImage mine = Corruptions.apply(in, Corruption.JPEG_COMPRESSION, s, 0);
      double psnrRef = sev.get(Integer.toString(s)).get("stats").get("psnr_db").asDouble();
      assertTrue(psnr(mine, png) >= 30, "s" + s + " PSNR vs reference " + psnr(mine, png));
      assertEquals(psnrRef, psnr(mine, in), 0.5, "s" + s + " PSNR vs input");
    }
  }

  @Test
  void randomCorruptionsMatchTheReferenceStatistics() throws IOException {
    RgbImage in = Images.read(dir().resolve("input.png"));
    JsonNode c = expected().get("corruptions");
    List<String> failures = new ArrayList<>();
    for (String name : List.of("gaussian_noise", "shot_noise", "impulse_noise", "glass_blur",
        "motion_blur", "fog", "snow", "elastic_transform")) {
      for (int s = 1; s <= 5; s++) {
        JsonNode sv = c.get(name).get("severities").get(Integer.toString(s));
        JsonNode ref = sv.get("over_tolerance_seeds");
        JsonNode tol = sv.get("tolerance_abs");
        double[] st = stats(in, Corruptions.apply(in, Corruptions.parse(name), s, 7L + s));
        String[] keys = {"mean_diff_rgb", "std_diff_rgb", "mean_out_rgb"};
        for (int k = 0; k < 3; k++) {
          for (int ch = 0; ch < 3; ch++) {
            double e = ref.get(keys[k]).get("mean").get(ch).asDouble();
            double t = tol.get(keys[k]).get(ch).asDouble();
            if (Math.abs(st[k * 3 + ch] - e) > t) {
              failures.add(name + " s" + s + " " + keys[k] + "[" + ch + "] " + st[k * 3 + ch]
                  + " vs " + e + " +- " + t);
            }
          }
        }
        String[] scalars = {"changed_pixel_frac", "changed_value_frac", "psnr_db"};
        for (int k = 0; k < 3; k++) {
          double e = ref.get(scalars[k]).get("mean").asDouble();
          double t = tol.get(scalars[k]).asDouble();
          if (Math.abs(st[9 + k] - e) > t) {
            failures.add(name + " s" + s + " " + scalars[k] + " " + st[9 + k] + " vs " + e
                + " +- " + t);
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void frostBlendsACropOfTheGivenPhotographs() {
    RgbImage in = Images.read(dir().resolve("input.png"));
    byte[] px = new byte[400 * 300 * 3];
    java.util.Arrays.fill(px, (byte) 200);
    Frost frost = Frost.of(List.of(RgbImage.of(400, 300, px)));
    RgbImage out = Corruptions.apply(in, Corruption.FROST, 2, 5L, frost);
    for (int i = 0; i < 50; i++) {
      int x = i * 6;
      int y = i * 4;
      for (int c = 0; c < 3; c++) {
        assertEquals((int) Math.min(255, 0.8 * in.get(x, y, c) + 0.6 * 200), out.get(x, y, c));
      }
    }
    SamException e = assertThrows(SamException.class,
        () -> Corruptions.apply(in, Corruption.FROST, 2, 5L));
    assertTrue(e.getMessage().contains("--frost-dir"), e.getMessage());
  }

  @Test
  void unknownNamesAndSeveritiesAreRefused() {
    SamException e = assertThrows(SamException.class, () -> Corruptions.parse("rain"));
    assertTrue(e.getMessage().contains("unknown corruption 'rain'")
        && e.getMessage().contains("zoom_blur"), e.getMessage());
    RgbImage in = RgbImage.of(2, 2, new byte[12]);
    assertThrows(SamException.class, () -> Corruptions.apply(in, Corruption.FOG, 6, 0));
  }

  /** mean/std of out-in per channel, mean out per channel, changed pixel/value fractions, PSNR. */
  static double[] stats(RgbImage in, RgbImage out) {
    byte[] a = in.toByteArray();
    byte[] b = out.toByteArray();
    int n = a.length / 3;
    double[] res = new double[12];
    double[] sum = new double[3];
    double[] sq = new double[3];
    double[] so = new double[3];
    long changedPx = 0;
    long changedVal = 0;
    double mse = 0;
    for (int p = 0; p < n; p++) {
      boolean any = false;
      for (int c = 0; c < 3; c++) {
        double d = (b[p * 3 + c] & 0xff) - (a[p * 3 + c] & 0xff);
        sum[c] += d;
        sq[c] += d * d;
        so[c] += b[p * 3 + c] & 0xff;
        mse += d * d;
        if (d != 0) {
          changedVal++;
          any = true;
        }
      }
      if (any) {
        changedPx++;
      }
    }
    for (int c = 0; c < 3; c++) {
      res[c] = sum[c] / n;
      res[3 + c] = Math.sqrt(sq[c] / n - res[c] * res[c]);
      res[6 + c] = so[c] / n;
    }
    res[9] = (double) changedPx / n;
    res[10] = (double) changedVal / (3.0 * n);
    res[11] = 10 * Math.log10(255.0 * 255.0 / (mse / (3.0 * n)));
    return res;
  }

  static double psnr(RgbImage x, RgbImage y) {
    return stats(x, y)[11];
  }
}
