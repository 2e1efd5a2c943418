package io.sam4j;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.graph.OnnxModel;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.MaskPostprocessor;
import io.sam4j.transform.ResizeLongestSide;
import io.sam4j.transform.SamPreprocessor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The SAM 1 family (SAM ViT-B/L/H, MobileSAM): longest side to 1024, Pillow bilinear, SAM's
 * normalization and padding; the staged prompt decoder ({@link PromptDecoder}); masks upscaled
 * to the padded input, cropped, then resized to the original size.
 */
final class SamBackend implements ModelBackend {
  private final ModelSpec spec;
  private final InferenceSession encoder;
  private final InferenceSession prologue;
  private final InferenceSession decoderTokens;
  private final InferenceSession decoderMasks;
  private final InferenceSession decoderMasksForAll;
  /** The prompt encoder's and mask decoder's weights, for {@link #maskInputDecoder}. */
  private final StateDict decoderWeights;
  private final RuntimeOptions options;
  private final long parameterCount;
  /** Made on first use: most work never gives a mask input (100-160 ms of loading spared). */
  private InferenceSession maskDecoder;

  /**
   * The graphs for a spec and the sessions over them.
   *
   * @param buildNanos receives the graph building time at index 0, the session time at index 1
   */
  static SamBackend build(StateDict sd, ModelSpec spec, RuntimeOptions options, long[] nanos) {
    long t0 = System.nanoTime();
    OnnxModel encGraph = SamGraphs.encoder(sd, spec, List.of(),
        io.sam4j.graph.GraphBuilder.DEFAULT_INLINE_LIMIT, options.precision());
    return build(sd, spec, options, encGraph, t0, nanos);
  }

  /**
   * The sessions over a given encoder graph (a quantized model's, say) and decoder graphs built
   * from {@code sd}, which needs only the prompt encoder's and mask decoder's weights.
   */
  static SamBackend build(StateDict sd, ModelSpec spec, RuntimeOptions options,
      OnnxModel encGraph, long t0, long[] nanos) {
    OnnxModel prologueGraph = SamGraphs.decoderPrologue(sd, spec);
    OnnxModel tokensGraph = SamGraphs.decoderTokens(sd, spec);
    OnnxModel masksGraph = SamGraphs.decoderMasks(sd, spec);
    OnnxModel masksForAllGraph = SamGraphs.decoderMasksForAll(sd, spec);
    long t1 = System.nanoTime();
    List<InferenceSession> made = new java.util.ArrayList<>();
    try {
      made.add(InferenceSession.create("image encoder", encGraph, options));
      made.add(InferenceSession.create("prompt decoder prologue", prologueGraph, options, true));
      made.add(InferenceSession.create("prompt decoder tokens", tokensGraph, options, true));
      made.add(InferenceSession.create("prompt decoder masks", masksGraph, options, true));
      made.add(InferenceSession.create("prompt decoder masks for all", masksForAllGraph, options,
          true));
      nanos[0] = t1 - t0;
      nanos[1] = System.nanoTime() - t1;
      return new SamBackend(spec, made, sd.heapCopy(List.of("prompt_encoder.", "mask_decoder.")),
          options, sd.parameterCount());
    } catch (RuntimeException e) {
      made.forEach(InferenceSession::close);
      throw e;
    }
  }

  private SamBackend(ModelSpec spec, List<InferenceSession> sessions, StateDict decoderWeights,
      RuntimeOptions options, long parameterCount) {
    this.spec = spec;
    this.decoderWeights = decoderWeights;
    this.options = options;
    this.encoder = sessions.get(0);
    this.prologue = sessions.get(1);
    this.decoderTokens = sessions.get(2);
    this.decoderMasks = sessions.get(3);
    this.decoderMasksForAll = sessions.get(4);
    this.parameterCount = parameterCount;
  }

  ModelSpec spec() {
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
    RgbImage resized = SamPreprocessor.resize(image, spec.imageSize());
    return encodeResized(resized, new int[] {image.height(), image.width()});
  }

  @Override
  public ImageEmbedding encodePreResized(RgbImage resized, int originalHeight,
      int originalWidth) {
    int[] expected = ResizeLongestSide.targetSize(originalHeight, originalWidth, spec.imageSize());
    if (resized.height() != expected[0] || resized.width() != expected[1]) {
      throw new SamException(SamException.Kind.BAD_INPUT, "a " + originalHeight + "x"
          + originalWidth + " (HxW) original resizes to " + expected[0] + "x" + expected[1]
          + ", but the pre-resized image is " + resized.height() + "x" + resized.width());
    }
    return encodeResized(resized, new int[] {originalHeight, originalWidth});
  }

  private ImageEmbedding encodeResized(RgbImage resized, int[] originalSize) {
    int s = spec.imageSize();
    float[] input = SamPreprocessor.normalizeAndPad(resized, s);
    FloatTensor out = encoder
        .run(Map.of(SamGraphs.IMAGE, new FloatTensor(input, new long[] {1, 3, s, s})))
        .get(SamGraphs.IMAGE_EMBEDDINGS);
    return new ImageEmbedding(out.data(), out.shape(), originalSize,
        new int[] {resized.height(), resized.width()});
  }

  @Override
  public ImageEmbedding blankEmbedding(int height, int width) {
    int c = spec.promptEmbedDim();
    int e = spec.embeddingSize();
    return new ImageEmbedding(new float[c * e * e], new long[] {1, c, e, e},
        new int[] {height, width}, ResizeLongestSide.targetSize(height, width, spec.imageSize()));
  }

  @Override
  public void checkEmbedding(ImageEmbedding embedding) {
    long[] expected = {1, spec.promptEmbedDim(), spec.embeddingSize(), spec.embeddingSize()};
    if (!Arrays.equals(embedding.shape(), expected) || embedding.hasHighResFeatures()) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the embedding has shape "
          + Arrays.toString(embedding.shape())
          + (embedding.hasHighResFeatures() ? " with high-resolution features" : "")
          + " but this model's is " + Arrays.toString(expected)
          + " (was it made with another model?)");
    }
  }

  @Override
  public ModelBackend.Decoder newDecoder() {
    return new PromptDecoder(this);
  }

  @Override
  public MaskPostprocessor upscaler(ImageEmbedding embedding, int[] size) {
    return new MaskPostprocessor(spec.lowResSize(), spec.imageSize(), embedding.inputSize(), size);
  }

  @Override
  public io.sam4j.amg.AmgConfig.Builder amgDefaults() {
    return io.sam4j.amg.AmgConfig.builder();
  }

  @Override
  public float lowResClamp() {
    return Float.POSITIVE_INFINITY;
  }

  @Override
  public boolean cleansLowResRegions() {
    return false;
  }

  InferenceSession encoder() {
    return encoder;
  }

  /** The per-image part of the decoder for prompts without mask inputs. */
  InferenceSession decoderPrologue() {
    return prologue;
  }

  /** The decoder's first stage for prompts without mask input (see SamGraphs.decoderTokens). */
  InferenceSession decoderTokens() {
    return decoderTokens;
  }

  /** The decoder's second stage, masks for selected prompts. */
  InferenceSession decoderMasks() {
    return decoderMasks;
  }

  /** The decoder's second stage when every prompt of the batch needs masks. */
  InferenceSession decoderMasksForAll() {
    return decoderMasksForAll;
  }

  /** The whole decoder for prompts with a mask input, built and opened on first use. */
  synchronized InferenceSession maskInputDecoder() {
    if (maskDecoder == null) {
      maskDecoder = InferenceSession.create("prompt decoder with mask input",
          SamGraphs.decoder(decoderWeights, spec), options, true);
    }
    return maskDecoder;
  }

  @Override
  public synchronized void close() {
    for (InferenceSession s : List.of(encoder, prologue, decoderTokens, decoderMasks,
        decoderMasksForAll)) {
      s.close();
    }
    if (maskDecoder != null) {
      maskDecoder.close();
    }
  }
}
