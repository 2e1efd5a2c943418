package io.sam4j.modeling.edgetam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.Npy;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam2.config.PositionEmbeddingSineSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** EdgeTAM's spatial perceiver: its config and the position encoding of its output tokens. */
class PerceiverResamplerTest {
  static PerceiverResamplerSpec spec() throws Exception {
    Path yaml = Fixtures.root().resolve("edgetam_fixture.yaml");
    return PerceiverResamplerSpec.fromConfig(new YAMLMapper().readTree(yaml.toFile())
        .path("model").path("spatial_perceiver"));
  }

  @Test
  void configIsRead() throws Exception {
    assertEquals(new PerceiverResamplerSpec(16, 2, 16, 1, 64, 256, true,
        new PositionEmbeddingSineSpec(16, 10000, true, 2 * Math.PI)), spec());
    assertEquals(320, spec().tokensPerFrame());
  }

  @Test
  void positionEncodingIsZerosThenTheLatentGridsSine() throws Exception {
    float[] want = Npy.read(Fixtures.root().resolve(
        "edgetam_fixture/video_bedroom/mem_f00_o1_maskmem_pos_enc.npy")).toFloatArray();
    float[] got = PerceiverResampler.positionEncoding(spec());
    assertEquals(want.length, got.length);
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    System.out.println("perceiver pos enc: largest difference " + worst);
    assertTrue(worst < 1e-6, "largest difference " + worst);
  }

  /**
   * Two objects at once equal each alone, and a change inside one 4x4 window of the memory map
   * moves the global latents and only that window's patch latent.
   */
  @Test
  void patchLatentsSeeOnlyTheirWindowAndObjectsAreIndependent() throws Exception {
    PerceiverResamplerSpec spec = spec();
    StateDict sd = CheckpointReader.read(Fixtures.root().resolve("edgetam_fixture.pt"));
    GraphBuilder g = new GraphBuilder("perceiver");
    Value x = g.input("x", ElemType.FLOAT, "B", 16, 64, 64);
    Value pos = g.input("pos", ElemType.FLOAT, 1, 16, 64, 64);
    g.output("latents", new PerceiverResampler(new Layers(g, sd), "spatial_perceiver", spec)
        .forward(x, pos, 64, 64));
    int n = 16 * 64 * 64;
    Random r = new Random(5);
    float[] a = new float[n];
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
      p[i] = (float) r.nextGaussian();
    }
    float[] b = a.clone();
    int wy = 5;
    int wx = 9;
    b[(3 * 64 + wy * 4 + 2) * 64 + wx * 4 + 1] += 1f; // channel 3, inside window (5, 9)
    float[] both = Arrays.copyOf(a, 2 * n);
    System.arraycopy(b, 0, both, n, n);
    float[] out;
    float[] alone;
    try (InferenceSession s = InferenceSession.create("perceiver", g.build(),
        RuntimeOptions.defaults())) {
      FloatTensor pt = new FloatTensor(p, new long[] {1, 16, 64, 64});
      out = s.run(Map.of("x", new FloatTensor(both, new long[] {2, 16, 64, 64}), "pos", pt))
          .get("latents").data();
      alone = s.run(Map.of("x", new FloatTensor(a, new long[] {1, 16, 64, 64}), "pos", pt))
          .get("latents").data();
    }
    int per = 320 * 16;
    assertEquals(2 * per, out.length);
    assertTrue(Fixtures.relL2(Arrays.copyOf(out, per), alone) < 1e-6);
    int changedPatches = 0;
    boolean globalChanged = false;
    for (int t = 0; t < 320; t++) {
      boolean changed = false;
      for (int ch = 0; ch < 16; ch++) {
        changed |= out[t * 16 + ch] != out[per + t * 16 + ch];
      }
      if (t < 64) {
        globalChanged |= changed;
      } else if (changed) {
        changedPatches++;
        assertEquals(64 + wy * 16 + wx, t, "patch latent " + (t - 64) + " moved");
      }
    }
    assertTrue(globalChanged);
    assertEquals(1, changedPatches);
  }
}
