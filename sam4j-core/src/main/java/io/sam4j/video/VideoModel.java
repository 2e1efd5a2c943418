package io.sam4j.video;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.sam2.PositionEmbeddingSine;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.modeling.sam2.config.ImageEncoderSpec;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.modeling.sam2.memory.MemoryGraphs;
import io.sam4j.modeling.sam2.memory.TrackerSpec;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.transform.AntialiasedResize;
import io.sam4j.transform.VideoFrameTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The networks of one SAM 2-family model's video predictor, on ONNX Runtime: the image encoder
 * and prompt decoders of the loaded model (shared with its image predictor), and the memory
 * graphs of {@link MemoryGraphs} built from the checkpoint on first use. Made once per
 * {@link io.sam4j.SamModel} and shared by its {@link VideoTracker}s; thread-safe.
 */
public final class VideoModel implements AutoCloseable {
  private final Sam2ModelSpec spec;
  private final TrackerSpec tracker;
  private final VideoArchitecture architecture;
  private final StateDict weights;
  private final RuntimeOptions options;
  private final InferenceSession encoder;
  private final InferenceSession decoder;
  private final Supplier<InferenceSession> maskDecoder;
  private final float[] noObjPtr;
  private final VideoLayers layers;
  private InferenceSession memoryEncoder;
  private InferenceSession memoryAttention;
  private InferenceSession memoryAttentionFrame;
  private InferenceSession objPtr;
  private InferenceSession maskDownsample;
  private boolean closed;

  private VideoModel(Sam2ModelSpec spec, StateDict weights, RuntimeOptions options,
      InferenceSession encoder, InferenceSession decoder, Supplier<InferenceSession> maskDecoder,
      VideoLayers layers) {
    this.spec = spec;
    this.layers = layers;
    this.tracker = TrackerSpec.of(spec);
    this.architecture = VideoArchitecture.of(spec);
    this.weights = weights;
    this.options = options;
    this.encoder = encoder;
    this.decoder = decoder;
    this.maskDecoder = maskDecoder;
    this.noObjPtr = weights.has("no_obj_ptr") ? weights.get("no_obj_ptr").toFloatArray()
        : new float[spec.hiddenDim()];
  }

  /**
   * The video networks of a loaded model.
   *
   * @param weights the checkpoint's memory, pointer and embedding tensors (keys as in the
   *     checkpoint)
   * @param encoder the model's image encoder session (not closed here); its graph must output
   *     {@link Sam2Graphs#VISION_FEATURES}
   * @param decoder the prompt decoder without mask input (not closed here)
   * @param maskDecoder the prompt decoder with mask input, made on first use (not closed here)
   * @param layers how the memory encoder and attention graphs are written (null: float32, as
   *     the checkpoint's)
   */
  public static VideoModel create(Sam2ModelSpec spec, StateDict weights, RuntimeOptions options,
      InferenceSession encoder, InferenceSession decoder, Supplier<InferenceSession> maskDecoder,
      VideoLayers layers) {
    return new VideoModel(spec, weights, options, encoder, decoder, maskDecoder,
        layers == null ? VideoLayers.FLOAT : layers);
  }

  /** The key prefixes of the tensors the video networks read beyond the prompt decoder's. */
  public static List<String> weightPrefixes() {
    return List.of("memory_encoder.", "memory_attention.", "maskmem_tpos_enc", "no_mem_embed",
        "no_mem_pos_enc", "no_obj_ptr", "no_obj_embed_spatial", "obj_ptr_proj.",
        "obj_ptr_tpos_proj.", "mask_downsample.", "spatial_perceiver.");
  }

  /** The model's spec. */
  public Sam2ModelSpec spec() {
    return spec;
  }

  /** The video settings. */
  public TrackerSpec tracker() {
    return tracker;
  }

  /** The family's video architecture. */
  public VideoArchitecture architecture() {
    return architecture;
  }

  /** The frame through the image encoder. */
  FrameFeatures encode(int frameIdx, RgbImage frame) {
    int s = spec.imageSize();
    float[] input = VideoFrameTransform.toInput(frame, s);
    Map<String, FloatTensor> out = encoder.run(
        Map.of(Sam2Graphs.IMAGE, new FloatTensor(input, new long[] {1, 3, s, s})));
    FloatTensor raw = out.get(Sam2Graphs.VISION_FEATURES);
    if (raw == null) {
      throw new IllegalStateException("the image encoder graph of " + spec.name() + " has no "
          + Sam2Graphs.VISION_FEATURES + " output, which video tracking needs");
    }
    List<float[]> hr = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    if (spec.heads().useHighResFeaturesInSam()) {
      for (String n : List.of(Sam2Graphs.HIGH_RES_FEATS_0, Sam2Graphs.HIGH_RES_FEATS_1)) {
        hr.add(out.get(n).data());
        shapes.add(out.get(n).shape());
      }
    }
    return new FrameFeatures(frameIdx, raw.data(), out.get(Sam2Graphs.IMAGE_EMBEDDINGS).data(),
        hr.toArray(new float[0][]), shapes.toArray(new long[0][]));
  }

  /**
   * The SAM heads ({@code _forward_sam_heads}) on {@code image} [C, e, e].
   *
   * @param coords n points [n*2] in the S x S frame, padding included
   * @param labels their labels
   * @param maskInput low-res logits [L*L] for the dense prompt, or null
   */
  DecoderResult decode(FrameFeatures f, float[] image, float[] coords, int[] labels,
      float[] maskInput, boolean multimask) {
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    int low = spec.lowResSize();
    int n = labels.length;
    Map<String, FloatTensor> in = new LinkedHashMap<>();
    in.put(Sam2Graphs.IMAGE_EMBEDDINGS, new FloatTensor(image, new long[] {1, c, e, e}));
    if (spec.heads().useHighResFeaturesInSam()) {
      in.put(Sam2Graphs.HIGH_RES_FEATS_0, new FloatTensor(f.highRes()[0], f.highResShapes()[0]));
      in.put(Sam2Graphs.HIGH_RES_FEATS_1, new FloatTensor(f.highRes()[1], f.highResShapes()[1]));
    }
    float[] lab = new float[n];
    for (int i = 0; i < n; i++) {
      lab[i] = labels[i];
    }
    in.put(Sam2Graphs.POINT_COORDS, new FloatTensor(coords, new long[] {1, n, 2}));
    in.put(Sam2Graphs.POINT_LABELS, new FloatTensor(lab, new long[] {1, n}));
    InferenceSession session = decoder;
    if (maskInput != null) {
      in.put(Sam2Graphs.MASK_INPUT, new FloatTensor(maskInput, new long[] {1, 1, low, low}));
      in.put(Sam2Graphs.HAS_MASK_INPUT, new FloatTensor(new float[] {1f}, new long[] {1}));
      session = maskDecoder.get();
    }
    Map<String, FloatTensor> out = session.run(in);
    float[] masks = out.get(Sam2Graphs.LOW_RES_MASKS).data();
    float[] iou = out.get(Sam2Graphs.IOU_PREDICTIONS).data();
    float score = out.get(Sam2Graphs.OBJECT_SCORE_LOGITS).data()[0];
    float[] tokens = out.get(Sam2Graphs.SAM_TOKENS_OUT).data();
    int area = low * low;
    int chosen = 0;
    int token = 0;
    if (multimask) {
      chosen = 1;
      for (int t = 2; t < 4; t++) {
        if (iou[t] > iou[chosen]) {
          chosen = t;
        }
      }
      token = tracker.useMultimaskTokenForObjPtr() ? chosen : 0;
    } else if (spec.heads().dynamicMultimaskViaStability()
        && stability(masks, (float) spec.heads().dynamicMultimaskStabilityDelta(), area)
        < (float) spec.heads().dynamicMultimaskStabilityThresh()) {
      chosen = 1;
      for (int t = 2; t < 4; t++) {
        if (iou[t] > iou[chosen]) {
          chosen = t;
        }
      }
    }
    float[] lowRes = new float[area];
    boolean present = !tracker.predObjScores() || score > 0;
    if (present) {
      System.arraycopy(masks, chosen * area, lowRes, 0, area);
    } else {
      java.util.Arrays.fill(lowRes, TrackingEngine.NO_OBJ_SCORE);
    }
    float[] tok = new float[c];
    System.arraycopy(tokens, token * c, tok, 0, c);
    return new DecoderResult(lowRes, mixNoObject(project(tok), score), score);
  }

  /** {@code area(> delta) / area(> -delta)} of mask 0, 1 when the latter is empty. */
  private static float stability(float[] masks, float delta, int area) {
    int inter = 0;
    int union = 0;
    for (int k = 0; k < area; k++) {
      inter += masks[k] > delta ? 1 : 0;
      union += masks[k] > -delta ? 1 : 0;
    }
    return union > 0 ? (float) inter / (float) union : 1f;
  }

  /** The object pointer with the reference's occlusion handling for an object score. */
  private float[] mixNoObject(float[] ptr, float score) {
    if (!tracker.predObjScores()) {
      return ptr;
    }
    float lambda = tracker.softNoObjPtr() ? (float) (1.0 / (1.0 + Math.exp(-score)))
        : (score > 0 ? 1f : 0f);
    return mix(ptr, lambda);
  }

  private float[] mix(float[] ptr, float lambda) {
    float[] out = new float[ptr.length];
    for (int i = 0; i < ptr.length; i++) {
      float p = tracker.fixedNoObjPtr() ? lambda * ptr[i] : ptr[i];
      out[i] = p + (1f - lambda) * noObjPtr[i];
    }
    return out;
  }

  private float[] project(float[] token) {
    Map<String, FloatTensor> out = objPtrSession().run(Map.of(MemoryGraphs.SAM_TOKEN,
        new FloatTensor(token, new long[] {1, token.length})));
    return out.get(MemoryGraphs.OBJ_PTR).data();
  }

  /**
   * {@code _use_mask_as_output}: the binary mask [S*S] as logits +-10, its pointer from the
   * decoder prompted with {@code mask_downsample(mask)} on the raw features.
   */
  DecoderResult maskAsOutput(FrameFeatures f, float[] mask) {
    int s = spec.imageSize();
    int low = spec.lowResSize();
    float[] high = new float[mask.length];
    boolean any = false;
    for (int i = 0; i < mask.length; i++) {
      high[i] = mask[i] * 20f + -10f;
      any |= mask[i] > 0f;
    }
    float[] lowRes = AntialiasedResize.resize(high, 1, s, s, low, low);
    float lambda = any ? 1f : 0f;
    float[] ptr;
    if (tracker.useObjPtrsInEncoder()) {
      float[] down = maskDownsampleSession().run(Map.of(MemoryGraphs.MASK,
          new FloatTensor(mask, new long[] {1, 1, s, s}))).get(MemoryGraphs.MASK_DOWNSAMPLED).data();
      ptr = decode(f, f.visionFeatures(), new float[4], new int[] {-1, -1}, down, false).objPtr();
    } else {
      ptr = new float[spec.hiddenDim()];
    }
    if (tracker.predObjScores()) {
      ptr = mix(ptr, lambda);
    }
    return new DecoderResult(lowRes, ptr, 20f * lambda + -10f);
  }

  /**
   * The memory of a frame ({@code _encode_new_memory}), float32 [mem * e * e] before the
   * predictor's bfloat16 rounding.
   */
  float[] encodeMemory(FrameFeatures f, float[] lowRes, boolean binarize, float score) {
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    int low = spec.lowResSize();
    Map<String, FloatTensor> in = new LinkedHashMap<>();
    in.put(MemoryGraphs.VISION_FEATURES, new FloatTensor(f.visionFeatures(), new long[] {1, c, e, e}));
    in.put(MemoryGraphs.MASK_LOGITS, new FloatTensor(lowRes, new long[] {1, 1, low, low}));
    in.put(MemoryGraphs.BINARIZE, new FloatTensor(new float[] {binarize ? 1f : 0f}, new long[] {1}));
    in.put(MemoryGraphs.OBJECT_SCORE_LOGITS, new FloatTensor(new float[] {score}, new long[] {1, 1}));
    FloatTensor mem = layers.tap(memoryEncoderSession().run(in))
        .get(MemoryGraphs.MASKMEM_FEATURES);
    long[] shape = mem.shape();
    memoryShape = java.util.Arrays.copyOfRange(shape, 1, shape.length);
    return mem.data();
  }

  /** The shape of one stored memory (the memory encoder's output without its batch axis). */
  private volatile long[] memoryShape;

  /**
   * The part of the memory attention that sees only the frame (the same for every object):
   * the frame's tokens after the first layer's self-attention, [e*e * C].
   */
  float[] attentionFrameTokens(FrameFeatures f) {
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    return layers.tap(memoryAttentionFrameSession().run(Map.of(MemoryGraphs.VISION_FEATURES,
        new FloatTensor(f.visionFeatures(), new long[] {1, c, e, e}))))
        .get(MemoryGraphs.FRAME_TOKENS).data();
  }

  /**
   * The memory attention of one object: the frame's tokens ({@link #attentionFrameTokens})
   * conditioned on its memories and pointers.
   *
   * @return [C * e * e]
   */
  float[] attend(float[] frameTokens, AttentionInputs inputs) {
    float[] slots = inputs.slots();
    float[] ptrPos = inputs.pointerPos();
    int c = spec.hiddenDim();
    int e = spec.embeddingSize();
    long[] entry = memoryShape;
    long[] shape = new long[entry.length + 1];
    shape[0] = slots.length;
    System.arraycopy(entry, 0, shape, 1, entry.length);
    Map<String, FloatTensor> in = new LinkedHashMap<>();
    in.put(MemoryGraphs.FRAME_TOKENS, new FloatTensor(frameTokens, new long[] {1, (long) e * e, c}));
    in.put(MemoryGraphs.MEMORY, new FloatTensor(inputs.memory(), shape));
    in.put(MemoryGraphs.MEMORY_TPOS_SLOT, new FloatTensor(slots, new long[] {slots.length}));
    in.put(MemoryGraphs.OBJ_PTRS, new FloatTensor(inputs.pointers(), new long[] {ptrPos.length,
        c}));
    in.put(MemoryGraphs.OBJ_PTR_TPOS, new FloatTensor(ptrPos, new long[] {ptrPos.length}));
    return layers.tap(memoryAttentionSession().run(in)).get(MemoryGraphs.PIX_FEAT_WITH_MEM)
        .data();
  }

  private synchronized InferenceSession memoryEncoderSession() {
    check();
    if (memoryEncoder == null) {
      memoryEncoder = InferenceSession.create("memory encoder",
          MemoryGraphs.memoryEncoder(layers.builder("sam4j_sam2_memory_encoder"), weights,
              tracker, architecture.compressor()), options);
    }
    return memoryEncoder;
  }

  private synchronized InferenceSession memoryAttentionSession() {
    check();
    if (memoryAttention == null) {
      memoryAttention = InferenceSession.create("memory attention", architecture
          .memoryAttention().build(layers.builder("sam4j_sam2_memory_attention"), weights,
              tracker, visionPos()), options);
    }
    return memoryAttention;
  }

  private synchronized InferenceSession memoryAttentionFrameSession() {
    check();
    if (memoryAttentionFrame == null) {
      memoryAttentionFrame = InferenceSession.create("memory attention (frame)", architecture
          .memoryAttention().frame(layers.builder("sam4j_sam2_memory_attention_frame"), weights,
              tracker, visionPos()), options);
    }
    return memoryAttentionFrame;
  }

  private synchronized InferenceSession objPtrSession() {
    check();
    if (objPtr == null) {
      objPtr = InferenceSession.create("object pointer", MemoryGraphs.objectPointer(weights,
          tracker), options, true);
    }
    return objPtr;
  }

  private synchronized InferenceSession maskDownsampleSession() {
    check();
    if (maskDownsample == null) {
      maskDownsample = InferenceSession.create("mask downsample", MemoryGraphs.maskDownsample(
          weights, tracker), options, true);
    }
    return maskDownsample;
  }

  /** The top-level position encoding of the neck [C, e, e] ({@code vision_pos_enc[-1]}). */
  private float[] visionPos() {
    ImageEncoderSpec enc = (ImageEncoderSpec) spec.encoder();
    int e = spec.embeddingSize();
    return PositionEmbeddingSine.encode(enc.neck().positionEncoding(), e, e);
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the video model is closed");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (InferenceSession s : new InferenceSession[] {memoryEncoder, memoryAttention,
        memoryAttentionFrame, objPtr, maskDownsample}) {
      if (s != null) {
        s.close();
      }
    }
  }
}
