package io.sam4j.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures.Model;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.image.Images;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SpecDetector;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.registry.ProgressListener;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.SamPreprocessor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Q-SAM2 calibration on the MobileSAM fixture: calibrated on dog and picture1, each linear layer's
 * relative output error measured on picture3's activations (held out) is below min-max's, at 4
 * and 2 bits, on every one of the 60 linear layers of the encoder (each window attention's
 * {@code qkv} is written as three layers q, k, v: its rows for every head).
 */
class LayerCalibrationTest {
  private static StateDict sd;
  private static ModelSpec.TinyVitSpec tinyVit;
  private static Calibration.Result calibration;
  private static Calibration.Result heldOut;

  @BeforeAll
  static void capture() {
    sd = CheckpointReader.read(Fixtures.checkpoint(Model.MOBILESAM));
    ModelSpec spec = SpecDetector.detect(sd);
    tinyVit = (ModelSpec.TinyVitSpec) spec.encoder();
    int s = spec.imageSize();
    Function<RgbImage, FloatTensor> input = img -> new FloatTensor(
        SamPreprocessor.normalizeAndPad(SamPreprocessor.resize(img, s), s),
        new long[] {1, 3, s, s});
    calibration = Calibration.run(g -> SamGraphs.encoder(g, sd, spec), input, SamGraphs.IMAGE,
        List.of(read("dog"), read("picture1")), false, 1024, 1, RuntimeOptions.defaults(),
        ProgressListener.NONE);
    heldOut = Calibration.run(g -> SamGraphs.encoder(g, sd, spec), input, SamGraphs.IMAGE,
        List.of(read("picture3")), false, 512, 2, RuntimeOptions.defaults(),
        ProgressListener.NONE);
  }

  private static RgbImage read(String name) {
    return Images.read(Fixtures.imageFile(name + ".jpg"));
  }

  @Test
  void calibratedBeatsMinmaxOnEveryLinearLayerAt4Bits() {
    check(4);
  }

  @Test
  void calibratedBeatsMinmaxOnEveryLinearLayerAt2Bits() {
    check(2);
  }

  private void check(int bits) {
    assertEquals(60, calibration.linears().size());
    double sumMm = 0;
    double sumCal = 0;
    for (Map.Entry<String, CaptureRewriter.LinearLayer> e : calibration.linears().entrySet()) {
      String name = e.getKey();
      int out = e.getValue().out();
      int in = e.getValue().in();
      float[] w = weight(name, out, in);
      Calibration.Rows rows = calibration.rows().get(name);
      Calibration.Rows test = heldOut.rows().get(name);
      float[] mm = BlockQuantizer.minmax(w, out, in, bits, 32).dequantize();
      float[] cal = BlockQuantizer.calibrated(w, out, in, bits, 32,
          BlockQuantizer.gram(rows.data(), rows.count(), in)).dequantize();
      double eMm = BlockQuantizer.relativeOutputError(w, mm, out, in, test.data(), test.count());
      double eCal = BlockQuantizer.relativeOutputError(w, cal, out, in, test.data(), test.count());
      System.out.printf("%d bits %-50s min-max %.4f calibrated %.4f%n", bits, name, eMm, eCal);
      assertTrue(eCal < eMm, bits + " bits, " + name + ": calibrated " + eCal + " >= min-max "
          + eMm);
      sumMm += eMm;
      sumCal += eCal;
    }
    assertTrue(sumCal < 0.9 * sumMm, "overall: calibrated " + sumCal + ", min-max " + sumMm);
  }

  /** A layer's weight [out, in]: a checkpoint entry, or q, k or v's rows of {@code qkv}. */
  private static float[] weight(String name, int out, int in) {
    if (!name.matches(".*\\.qkv\\.[qkv]")) {
      return sd.get(name + ".weight").toFloatArray();
    }
    String qkv = name.substring(0, name.length() - 2);
    int part = "qkv".indexOf(name.charAt(name.length() - 1));
    int stage = Integer.parseInt(name.replaceAll(".*\\.layers\\.(\\d+)\\..*", "$1"));
    int heads = tinyVit.numHeads()[stage];
    int kd = out / heads;
    float[] all = sd.get(qkv + ".weight").toFloatArray();
    float[] w = new float[out * in];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < kd; i++) {
        System.arraycopy(all, (h * 3 * kd + part * kd + i) * in, w, (h * kd + i) * in, in);
      }
    }
    return w;
  }
}
