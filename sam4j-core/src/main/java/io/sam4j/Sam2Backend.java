package io.sam4j;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.Sam2Decoders;
import io.sam4j.modeling.sam2.Sam2Encoders;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.modeling.sam2.config.Sam2Config;
import io.sam4j.modeling.sam2.config.Sam2Detector;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.MaskPostprocessor;
import io.sam4j.transform.Sam2Preprocessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The SAM 2 family (SAM 2 / 2.1, EfficientTAM, EdgeTAM) on images, as {@code SAM2ImagePredictor}:
 * the whole image resized to S x S, the encoder's embedding (with {@code no_mem_embed}) and
 * high-resolution features, the prompt decoder of {@link Sam2Decoders} ({@link Sam2PromptDecoder}),
 * low-res logits upscaled straight to the original size, returned logits clamped to 32.
 */
final class Sam2Backend implements ModelBackend {
  /** {@code torch.clamp(low_res_masks, -32.0, 32.0)} of the reference's predictor. */
  static final float CLAMP = 32f;

  private final Sam2ModelSpec spec;
  /** Null when the model was built for embeddings only. */
  private final InferenceSession encoder;
  private final InferenceSession decoder;
  private final StateDict decoderWeights;
  private final RuntimeOptions options;
  private final long parameterCount;
  /** Made on first use, as SAM's. */
  private InferenceSession maskDecoder;
  /** The image predictor's decoder in two parts, per image and per prompt, made on first use. */
  private InferenceSession prologue;
  private InferenceSession cachedDecoder;
  /** The video networks, made on first use. */
  private io.sam4j.video.VideoModel video;
  private final io.sam4j.video.VideoLayers videoLayers;

  /**
   * The image encoder graph of a SAM 2-family model ({@link Sam2Encoders}): input
   * {@link Sam2Graphs#IMAGE}, outputs {@link Sam2Graphs#IMAGE_EMBEDDINGS} and, when
   * {@code spec.heads().useHighResFeaturesInSam()}, {@link Sam2Graphs#HIGH_RES_FEATS_0} and
   * {@link Sam2Graphs#HIGH_RES_FEATS_1}.
   */
  static OnnxModel encoderGraph(StateDict sd, Sam2ModelSpec spec, RuntimeOptions options) {
    return Sam2Encoders.graph(sd, spec, List.of(), options.precision());
  }

  /**
   * The reference's {@code SAM2Transforms}: RGB / 255, antialiased bilinear resize to S x S as
   * torchvision >= 0.17, ImageNet mean / std; [3, S, S] row-major.
   */
  static float[] preprocess(RgbImage image, int s) {
    return Sam2Preprocessor.preprocess(image, s);
  }

  /** Whether a state dict holds a SAM 2-family model (its decoder is {@code sam_mask_decoder}). */
  static boolean isSam2(StateDict sd) {
    return sd.has("sam_mask_decoder.iou_token.weight");
  }

  /**
   * The spec of a SAM 2-family checkpoint: from its hydra YAML config when one is given, else the
   * official config recognised from the file name or the tensor shapes; checked against the
   * tensors either way (one clear error for another family's config).
   */
  static Sam2ModelSpec spec(StateDict sd, Path config, Path checkpoint) {
    Sam2ModelSpec spec = config == null
        ? Sam2Detector.detect(sd, checkpoint.getFileName().toString())
        : Sam2Config.read(config);
    Sam2Detector.check(sd, spec);
    return spec;
  }

  static Sam2Backend build(StateDict sd, Sam2ModelSpec spec, RuntimeOptions options,
      OnnxModel encoderGraph, long[] nanos) {
    return build(sd, spec, options, encoderGraph, nanos, io.sam4j.video.VideoLayers.FLOAT);
  }

  /**
   * @param videoLayers how the video graphs' linear layers are written (a quantized directory's
   *     memory-attention layers)
   */
  static Sam2Backend build(StateDict sd, Sam2ModelSpec spec, RuntimeOptions options,
      OnnxModel encoderGraph, long[] nanos, io.sam4j.video.VideoLayers videoLayers) {
    long t0 = System.nanoTime();
    OnnxModel decoderGraph = Sam2Decoders.decoder(sd, spec, false);
    long t1 = System.nanoTime();
    List<InferenceSession> made = new ArrayList<>();
    try {
      InferenceSession enc = null;
      if (encoderGraph != null) {
        enc = InferenceSession.create("image encoder", encoderGraph, options);
        made.add(enc);
      }
      InferenceSession dec = InferenceSession.create("prompt decoder", decoderGraph, options, true);
      made.add(dec);
      nanos[0] = t1 - t0;
      nanos[1] = System.nanoTime() - t1;
      return new Sam2Backend(spec, enc, dec,
          sd.heapCopy(keptPrefixes()), options,
          sd.parameterCount(), videoLayers);
    } catch (RuntimeException e) {
      made.forEach(InferenceSession::close);
      throw e;
    }
  }

  /** The decoder's weights and the video networks' (memory encoder and attention, pointers). */
  private static List<String> keptPrefixes() {
    List<String> p = new ArrayList<>(List.of("sam_prompt_encoder.", "sam_mask_decoder."));
    p.addAll(io.sam4j.video.VideoModel.weightPrefixes());
    return p;
  }

  private Sam2Backend(Sam2ModelSpec spec, InferenceSession encoder, InferenceSession decoder,
      StateDict decoderWeights, RuntimeOptions options, long parameterCount,
      io.sam4j.video.VideoLayers videoLayers) {
    this.spec = spec;
    this.videoLayers = videoLayers;
    this.encoder = encoder;
    this.decoder = decoder;
    this.decoderWeights = decoderWeights;
    this.options = options;
    this.parameterCount = parameterCount;
  }

  Sam2ModelSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public int imageSize() {
    return spec.imageSize();
  }

  @Override
  public int lowResSize() {
    return spec.lowResSize();
  }

  @Override
  public long parameterCount() {
    return parameterCount;
  }

  @Override
  public ImageEmbedding encode(RgbImage image) {
    if (encoder == null) {
      throw new IllegalStateException("this model was built without its image encoder: set an"
          + " embedding instead (setEmbedding)");
    }
    int s = spec.imageSize();
    float[] input = preprocess(image, s);
    Map<String, FloatTensor> out = encoder.run(
        Map.of(Sam2Graphs.IMAGE, new FloatTensor(input, new long[] {1, 3, s, s})));
    FloatTensor emb = out.get(Sam2Graphs.IMAGE_EMBEDDINGS);
    List<float[]> hr = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    if (spec.heads().useHighResFeaturesInSam()) {
      for (String name : List.of(Sam2Graphs.HIGH_RES_FEATS_0, Sam2Graphs.HIGH_RES_FEATS_1)) {
        hr.add(out.get(name).data());
        shapes.add(out.get(name).shape());
      }
    }
    return new ImageEmbedding(emb.data(), emb.shape(), hr, shapes,
        new int[] {image.height(), image.width()}, new int[] {s, s}, spec.name());
  }

  @Override
  public ImageEmbedding encodePreResized(RgbImage resized, int originalHeight,
      int originalWidth) {
    throw new SamException(SamException.Kind.BAD_INPUT, spec.name() + " is a SAM 2-family model:"
        + " it resizes the whole image to " + spec.imageSize() + "x" + spec.imageSize()
        + " itself (aspect not kept), so it takes no pre-resized image; give the original image");
  }

  @Override
  public ImageEmbedding blankEmbedding(int height, int width) {
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    List<float[]> hr = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    if (spec.heads().useHighResFeaturesInSam()) {
      for (int level = 0; level < 2; level++) {
        int side = (4 >> level) * e;
        hr.add(new float[c / (8 >> level) * side * side]);
        shapes.add(new long[] {1, c / (8 >> level), side, side});
      }
    }
    int s = spec.imageSize();
    return new ImageEmbedding(new float[c * e * e], new long[] {1, c, e, e}, hr, shapes,
        new int[] {height, width}, new int[] {s, s}, spec.name());
  }

  @Override
  public void checkEmbedding(ImageEmbedding embedding) {
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    long[] expected = {1, c, e, e};
    if (!Arrays.equals(embedding.shape(), expected)) {
      throw refused(embedding, "has shape " + Arrays.toString(embedding.shape())
          + " but this model's is " + Arrays.toString(expected));
    }
    if (spec.heads().useHighResFeaturesInSam()) {
      long[][] want = {{1, c / 8, 4L * e, 4L * e}, {1, c / 4, 2L * e, 2L * e}};
      if (embedding.highResLevels() != 2) {
        throw refused(embedding, "lacks the high-resolution features this model's decoder reads"
            + " (save SAM 2 embeddings as .npz, which keeps them)");
      }
      for (int i = 0; i < 2; i++) {
        if (!Arrays.equals(embedding.highResShape(i), want[i])) {
          throw refused(embedding, "has high-resolution features " + i + " of shape "
              + Arrays.toString(embedding.highResShape(i)) + ", this model's are "
              + Arrays.toString(want[i]));
        }
      }
    } else if (embedding.hasHighResFeatures()) {
      throw refused(embedding, "has high-resolution features, which this model does not use");
    }
    embedding.model().ifPresent(m -> {
      if (!m.equals(spec.name())) {
        throw refused(embedding, "was made by model " + m + ", this is " + spec.name());
      }
    });
  }

  private static SamException refused(ImageEmbedding embedding, String why) {
    return new SamException(SamException.Kind.BAD_INPUT, "the embedding " + why
        + " (was it made with another model?)");
  }

  @Override
  public ModelBackend.Decoder newDecoder() {
    return new Sam2PromptDecoder(this);
  }

  /** Low-res logits straight to {@code size} (bilinear, align_corners false), no crop. */
  @Override
  public MaskPostprocessor upscaler(ImageEmbedding embedding, int[] size) {
    return MaskPostprocessor.direct(spec.lowResSize(), size);
  }

  /** {@code SAM2AutomaticMaskGenerator}'s defaults: SAM's but {@code pred_iou_thresh} 0.8. */
  @Override
  public io.sam4j.amg.AmgConfig.Builder amgDefaults() {
    return io.sam4j.amg.AmgConfig.builder().predIouThresh(0.8);
  }

  @Override
  public float lowResClamp() {
    return CLAMP;
  }

  @Override
  public boolean cleansLowResRegions() {
    return true;
  }

  /** The video networks, made on first use and shared by every tracker of this model. */
  synchronized io.sam4j.video.VideoModel video() {
    if (encoder == null) {
      throw new SamException(SamException.Kind.BAD_INPUT, spec.name() + " was built without its"
          + " image encoder, so it cannot track a video");
    }
    if (video == null) {
      video = io.sam4j.video.VideoModel.create(spec, decoderWeights, options, encoder, decoder,
          this::maskInputDecoder, videoLayers);
    }
    return video;
  }

  /** The decoder for prompts without mask input. */
  InferenceSession decoder() {
    return decoder;
  }

  /**
   * The image predictor's per-image decoder part ({@link Sam2Decoders#prologue}), built and opened
   * on first use (video tracking does not use it).
   */
  synchronized InferenceSession decoderPrologue() {
    if (prologue == null) {
      prologue = InferenceSession.create("prompt decoder prologue",
          Sam2Decoders.prologue(decoderWeights, spec), options, true);
    }
    return prologue;
  }

  /** The decoder over {@link #decoderPrologue}'s outputs, built and opened on first use. */
  synchronized InferenceSession cachedDecoder() {
    if (cachedDecoder == null) {
      cachedDecoder = InferenceSession.create("prompt decoder over the image's cache",
          Sam2Decoders.cachedDecoder(decoderWeights, spec), options, true);
    }
    return cachedDecoder;
  }

  /** The decoder for prompts with a mask input, built and opened on first use. */
  synchronized InferenceSession maskInputDecoder() {
    if (maskDecoder == null) {
      maskDecoder = InferenceSession.create("prompt decoder with mask input",
          Sam2Decoders.decoder(decoderWeights, spec, true), options, true);
    }
    return maskDecoder;
  }

  @Override
  public synchronized void close() {
    if (video != null) {
      video.close();
    }
    if (encoder != null) {
      encoder.close();
    }
    decoder.close();
    for (InferenceSession s : new InferenceSession[] {maskDecoder, prologue, cachedDecoder}) {
      if (s != null) {
        s.close();
      }
    }
  }
}
