package io.sam4j;

import io.sam4j.image.Images;
import io.sam4j.prompt.Label;
import io.sam4j.prompt.Prompt;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchPointsTiming {
  @Test
  void time() throws Exception {
    Path f = Path.of("/work/shared/fixtures");
    try (SamModel m = SamModel.load(f.resolve("mobilesam-random.pt"), null, new RuntimeOptions(2, true));
        SamPredictor p = m.newPredictor()) {
      p.setImage(Images.read(f.resolve("images/dog.jpg")));
      for (int pass = 0; pass < 4; pass++) {
        StringBuilder sb = new StringBuilder("pass " + pass + ":");
        for (int n = 1; n <= 17; n++) {
          Prompt.Builder b = Prompt.builder().multimask(n == 1);
          for (int i = 0; i < n; i++) b.point(150 + 40 * i, 120 + 20 * i, Label.FOREGROUND);
          Prompt pr = b.build();
          double[] t = new double[pass == 0 ? 1 : 9];
          for (int k = 0; k < t.length; k++) { if (pass == 3) Thread.sleep(100); long a = System.nanoTime(); p.predict(pr); t[k] = (System.nanoTime() - a) / 1e6; }
          Arrays.sort(t);
          sb.append(String.format(" %d:%.1f", n, t[t.length / 2]));
        }
        System.out.println(sb);
      }
    }
  }
}
