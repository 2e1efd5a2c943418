package io.sam4j.eval.davis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sam4j.SamModel;
import io.sam4j.fixtures.Fixtures;
import io.sam4j.registry.ProgressListener;
import io.sam4j.video.FolderFrameSource;
import io.sam4j.video.FrameResult;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.TrackerOptions;
import io.sam4j.video.VideoTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DavisInference} with {@code objectsAppearingLater} ({@code vos_inference.py
 * --track_object_appearing_later_in_video}) on 4 bedroom frames with the SAM 2.1 fixture: object 1
 * annotated from frame 0, object 2 only from frame 2. Each object is tracked alone from its first
 * frame; the PNGs must be the two single-object propagations combined by the non-overlapping rule,
 * with no object 2 before frame 2.
 */
class DavisInferenceLaterObjectsTest {
  private static final int FRAMES = 4;
  @TempDir Path dir;

  @Test
  void eachObjectIsTrackedAloneFromItsFirstFrame() throws Exception {
    Path root = Fixtures.root();
    Path davis = dir.resolve("davis");
    Path jpegs = davis.resolve("JPEGImages/bedroom");
    Path anns = davis.resolve("Annotations/bedroom");
    Files.createDirectories(jpegs);
    Files.createDirectories(anns);
    for (int f = 0; f < FRAMES; f++) {
      String n = String.format("%05d.jpg", f);
      Files.copy(root.resolve("video/bedroom").resolve(n), jpegs.resolve(n));
    }
    int w = 960;
    int h = 540;
    boolean[] obj1 = rect(w, h, 100, 150, 400, 450);
    boolean[] obj2 = rect(w, h, 600, 100, 900, 300);
    int[] f0 = new int[w * h];
    int[] f2 = new int[w * h];
    for (int i = 0; i < f0.length; i++) {
      f0[i] = obj1[i] ? 1 : 0;
      f2[i] = obj2[i] ? 2 : 0;
    }
    LabelPng.write(anns.resolve("00000.png"), LabelMap.of(w, h, f0), LabelPng.davisPalette());
    LabelPng.write(anns.resolve("00002.png"), LabelMap.of(w, h, f2), LabelPng.davisPalette());
    Path out = dir.resolve("results");
    List<List<ObjectResult>> expected = new ArrayList<>();
    try (SamModel model = SamModel.load(root.resolve("sam2.1_hiera_fixture.pt"),
        root.resolve("sam2.1_hiera_fixture.yaml"))) {
      for (int f = 0; f < FRAMES; f++) {
        expected.add(new ArrayList<>());
      }
      try (FolderFrameSource frames = FolderFrameSource.open(jpegs);
           VideoTracker tracker = model.newTracker(frames)) {
        tracker.addMask(0, 1, obj1, w, h);
        tracker.propagate(0, false, null, r -> expected.get(r.frameIdx()).add(r.object(1)));
        tracker.reset();
        tracker.addMask(2, 2, obj2, w, h);
        tracker.propagate(2, false, null, r -> expected.get(r.frameIdx()).add(r.object(2)));
      }
      assertEquals(List.of("bedroom"), new DavisInference(davis, out, "val", List.of(), true)
          .run(model, TrackerOptions.defaults(), ProgressListener.NONE));
    }
    for (int f = 0; f < FRAMES; f++) {
      LabelMap want = DavisInference.labels(new FrameResult(f, expected.get(f)), w, h);
      int[] got = LabelMap.read(out.resolve("bedroom").resolve(String.format("%05d.png", f)))
          .toArray();
      assertArrayEquals(want.toArray(), got, "frame " + f);
      long twos = java.util.Arrays.stream(got).filter(v -> v == 2).count();
      assertTrue(f < 2 ? twos == 0 : twos > 0, "frame " + f + " has " + twos + " pixels of object 2");
    }
  }

  private static boolean[] rect(int w, int h, int x0, int y0, int x1, int y1) {
    boolean[] m = new boolean[w * h];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        m[y * w + x] = true;
      }
    }
    return m;
  }
}
