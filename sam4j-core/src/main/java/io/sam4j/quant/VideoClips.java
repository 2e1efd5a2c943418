package io.sam4j.quant;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.Sam2Decoders;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.prompt.Box;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.video.FrameSource;
import io.sam4j.video.ObjectResult;
import io.sam4j.video.RepeatedFrameSource;
import io.sam4j.video.TrackerOptions;
import io.sam4j.video.VideoLayers;
import io.sam4j.video.VideoModel;
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

  /**
   * A SAM 2-family model's video networks built from its parts, as a loaded model builds them:
   * for calibration (float32 layers with taps) and for tests (a quantized model before it is
   * written).
   */
  static final class Rig implements AutoCloseable {
    private final InferenceSession encoder;
    private final InferenceSession decoder;
    private final StateDict sd;
    private final Sam2ModelSpec spec;
    private final RuntimeOptions options;
    private InferenceSession maskDecoder;
    private final VideoModel video;

    /**
     * @param encoderGraph the image encoder graph (float32 or quantized)
     * @param layers how the memory encoder and attention are written
     */
    Rig(StateDict sd, Sam2ModelSpec spec, OnnxModel encoderGraph, VideoLayers layers,
        RuntimeOptions options) {
      this.sd = sd;
      this.spec = spec;
      this.options = options;
      this.encoder = InferenceSession.create("image encoder", encoderGraph, options);
      try {
        this.decoder = InferenceSession.create("prompt decoder", Sam2Decoders.decoder(sd, spec,
            false), options, true);
      } catch (RuntimeException e) {
        encoder.close();
        throw e;
      }
      this.video = VideoModel.create(spec, sd, options, encoder, decoder, this::maskDecoder,
          layers);
    }

    private synchronized InferenceSession maskDecoder() {
      if (maskDecoder == null) {
        maskDecoder = InferenceSession.create("prompt decoder with mask input",
            Sam2Decoders.decoder(sd, spec, true), options, true);
      }
      return maskDecoder;
    }

    /** A tracking session over {@code frames}. */
    VideoTracker open(FrameSource frames) {
      return VideoTracker.open(video, frames, TrackerOptions.defaults());
    }

    @Override
    public synchronized void close() {
      video.close();
      encoder.close();
      decoder.close();
      if (maskDecoder != null) {
        maskDecoder.close();
      }
    }
  }
}
