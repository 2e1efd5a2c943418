package io.sam4j;

import io.sam4j.image.Images;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchDecoderTiming {
  @Test
  void time() throws Exception {
    Path f = Path.of("/work/shared/fixtures");
    for (int threads : new int[] {2}) {
      RuntimeOptions o = new RuntimeOptions(threads, true);
      try (SamModel m = SamModel.load(f.resolve("mobilesam-random.pt"), null, o);
          SamPredictor p = m.newPredictor()) {
        p.setImage(Images.read(f.resolve("images/dog.jpg")));
        Prompt pr = Prompt.builder().point(400, 300, Label.FOREGROUND).multimask(true).build();
        StringBuilder sb = new StringBuilder("first calls:");
        for (int i = 0; i < 30; i++) { long a = System.nanoTime(); p.predict(pr); sb.append(String.format(" %.1f", (System.nanoTime() - a) / 1e6)); p.predictLowRes(List.of(pr)); }
        System.out.println(sb);
        int n = 100;
        double[] full = new double[n], low = new double[n];
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime(); p.predict(pr); long t1 = System.nanoTime();
          p.predictLowRes(List.of(pr)); long t2 = System.nanoTime();
          full[i] = (t1 - t0) / 1e6; low[i] = (t2 - t1) / 1e6;
        }
        Arrays.sort(full); Arrays.sort(low);
        System.out.printf("threads %d: full median %.2f min %.2f | lowres median %.2f min %.2f%n",
            threads, full[n / 2], full[0], low[n / 2], low[0]);
      }
    }
  }
}
