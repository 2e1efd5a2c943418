package io.sam4j.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** PyTorch's bicubic on known values (its output for a 2x2 input, and the identity). */
class TorchBicubicTest {
  @Test
  void upscalesLikePytorch() {
    // F.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode="bicubic",
    // align_corners=False)
    float[] want = {
        0.68359375f, 1.015625f, 1.5625f, 1.89453125f,
        1.34765625f, 1.6796875f, 2.2265625f, 2.55859375f,
        2.44140625f, 2.7734375f, 3.3203125f, 3.65234375f,
        3.10546875f, 3.4375f, 3.984375f, 4.31640625f};
    assertArrayEquals(want, TorchBicubic.resize(new float[] {1, 2, 3, 4}, 1, 2, 2, 4, 4), 1e-6f);
  }

  @Test
  void sameSizeIsIdentity() {
    float[] x = new float[2 * 3 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i);
    }
    assertArrayEquals(x, TorchBicubic.resize(x, 2, 3, 5, 3, 5), 0f);
  }
}
