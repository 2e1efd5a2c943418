package io.sam4j.quant;

import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Box;
import io.sam4j.video.FrameSource;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.RepeatedFrameSource;
import io.sam4j.video.VideoTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Short tracking runs on still photos, which is all a quantizer has: the memory attention's
 * inputs exist only while tracking. A clip is one photo repeated for {@code frames} frames
 * ({@link RepeatedFrameSource}); object 1 gets one box on frame 0, the central half of the photo
 * ({@code [W/4, H/4, 3W/4, 3H/4]}), and is propagated forward through the clip, so frame f runs
 * the memory attention over f memories (the conditioning frame's and f - 1 tracked ones) and f
 * object pointers. Used with {@link #CALIBRATION_FRAMES} on each calibration photo to capture the
 * layers' inputs, and with {@link #REPORT_FRAMES} on held-out photos for the report.
 */
final class VideoClips {
  /** Frames of a calibration clip: frames 1-3 attend to 1-3 memories. */
  static final int CALIBRATION_FRAMES = 4;
  /** Frames of a report clip. */
  static final int REPORT_FRAMES = 6;

  private VideoClips() {}

  /** The box of object 1 on frame 0: the central half of the photo. */
  static Box box(RgbImage image) {
    return new Box(image.width() / 4.0, image.height() / 4.0, image.width() * 3 / 4.0,
        image.height() * 3 / 4.0);
  }

  /**
   * Tracks object 1 through a clip of {@code image}.
   *
   * @param open opens a tracking session over a clip
   * @return object 1 on each frame, in frame order
   */
  static List<ObjectResult> track(Function<FrameSource, VideoTracker> open, RgbImage image,
      int frames) {
    List<ObjectResult> out = new ArrayList<>();
    try (FrameSource clip = RepeatedFrameSource.of(new Still(image), frames);
         VideoTracker t = open.apply(clip)) {
      t.addBox(0, 1, box(image));
      t.propagate(null, false, null, r -> out.add(r.object(1)));
    }
    return out;
  }

  /** One photo as a one-frame video. */
  private record Still(RgbImage image) implements FrameSource {
    @Override
    public int frameCount() {
      return 1;
    }

    @Override
    public int width() {
      return image.width();
    }

    @Override
    public int height() {
      return image.height();
    }

    @Override
    public RgbImage frame(int index) {
      return image;
    }
  }
}
