package io.sam4j.bench;

import io.sam4j.amg.BoxNms;
import io.sam4j.image.RgbImage;
import io.sam4j.mask.CocoRle;
import io.sam4j.mask.Rle;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.result.Mask;
import io.sam4j.transform.MaskPostprocessor;
import io.sam4j.transform.PilResize;
import io.sam4j.transform.SamPreprocessor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java-side hot paths around the model: resizing and normalizing a photo, putting the
 * decoder's masks in image order, upscaling a mask, run-length encoding, NMS. Run with {@code java -jar sam4j-bench/target/benchmarks.jar}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JavaSideBenchmarks {
  private RgbImage photo;
  private RgbImage resized;
  private float[] lowRes;
  private Mask mask;
  private Rle rle;
  private String coco;
  private float[] boxes;
  private float[] scores;
  private float[] subPixel;

  @Setup
  public void setup() {
    Random r = new Random(7);
    int w = 2241;
    int h = 1500;
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) ((i / 3 % w + i / 3 / w) / 8 + r.nextInt(16));
    }
    photo = RgbImage.of(w, h, px);
    resized = SamPreprocessor.resize(photo, 1024);
    lowRes = new float[256 * 256];
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        lowRes[y * 256 + x] = (float) (Math.sin(x / 17.0) + Math.cos(y / 23.0));
      }
    }
    float[] full = MaskPostprocessor.upscale(lowRes, 256, 1024, new int[] {685, 1024},
        new int[] {h, w});
    mask = Mask.fromLogits(full, w, h, 0f);
    subPixel = new float[4 * 256 * 256];
    for (int i = 0; i < subPixel.length; i++) {
      subPixel[i] = r.nextFloat();
    }
    rle = Rle.encode(mask);
    coco = CocoRle.encode(rle);
    boxes = new float[3072 * 4];
    scores = new float[3072];
    for (int i = 0; i < scores.length; i++) {
      float x0 = r.nextInt(w - 200);
      float y0 = r.nextInt(h - 200);
      boxes[4 * i] = x0;
      boxes[4 * i + 1] = y0;
      boxes[4 * i + 2] = x0 + 20 + r.nextInt(180);
      boxes[4 * i + 3] = y0 + 20 + r.nextInt(180);
      scores[i] = r.nextFloat();
    }
  }

  @Benchmark
  public RgbImage pilResize() {
    return PilResize.resize(photo, 1024, 685);
  }

  @Benchmark
  public float[] normalizeAndPad() {
    return SamPreprocessor.normalizeAndPad(resized, 1024);
  }

  @Benchmark
  public float[] upscaleMask() {
    return MaskPostprocessor.upscale(lowRes, 256, 1024, new int[] {685, 1024},
        new int[] {photo.height(), photo.width()});
  }

  /** The decoder's four low-res masks of one prompt from sub-pixel to image order. */
  @Benchmark
  public float[] subPixelToImage() {
    return SamGraphs.subPixelToImage(subPixel, 4, 64);
  }

  @Benchmark
  public Rle rleEncode() {
    return Rle.encode(mask);
  }

  @Benchmark
  public String cocoEncode() {
    return CocoRle.encode(rle);
  }

  @Benchmark
  public Rle cocoDecode() {
    return CocoRle.decode(coco, photo.height(), photo.width());
  }

  @Benchmark
  public int[] nmsStandard() {
    return BoxNms.standard(boxes, scores, 0.7f);
  }

  @Benchmark
  public int[] nmsFast() {
    return BoxNms.fast(boxes, scores, 0.7f);
  }
}
