package io.sam4j;

import io.sam4j.amg.StabilityScore;
import io.sam4j.image.RgbImage;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.LowResPrediction;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import io.sam4j.transform.MaskPostprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

/**
 * Embed once, prompt many: {@link #setImage} runs the image encoder, {@link #predict} and
 * {@link #predictBatch} run only the prompt decoder against that embedding. The state (embedding
 * and sizes) is one immutable {@link ImageEmbedding}. Not thread-safe: use one predictor per
 * thread (they are cheap and share the model).
 *
 * <p>Every family works the same way; what differs follows its reference. SAM 2-family models
 * resize the whole image to a square, put a box's two corners before the clicks, return low-res
 * logits clamped to [-32, 32] (masks come from the unclamped ones), upscale them straight to the
 * original size, and answer a single-mask request with the best of the three multimask outputs
 * when the single mask's stability is below the model's threshold.
 */
public final class SamPredictor implements AutoCloseable {
  /** Prompt sets decoded per runtime call; bounds the decoder's memory (about 15 MB per set). */
  private static final int MAX_BATCH = 16;

  private final SamModel model;
  private final ModelBackend backend;
  private ImageEmbedding state;
  /** The upscaler to the current image's original size, made on first use. */
  private MaskPostprocessor upscaler;
  private final ModelBackend.Decoder decoder;
  private boolean closed;

  SamPredictor(SamModel model) {
    this.model = model;
    this.backend = model.backend();
    this.decoder = backend.newDecoder();
  }

  /**
   * Encodes an image (RGB, any size) as the model's family does: SAM 1 resizes the longest side
   * to 1024, normalizes and pads; SAM 2 resizes to the square input and normalizes.
   */
  public void setImage(RgbImage image) {
    check();
    setState(model.backend().encode(image));
  }

  /**
   * Encodes an image that was already resized with the reference's resize (for example a
   * fixture's {@code .resized.png}), for an original image of the given size.
   *
   * @throws SamException when the image is not the size that original resizes to, or for
   *     SAM 2-family models, which resize the whole image to a square themselves
   */
  public void setPreResizedImage(RgbImage resized, int originalHeight, int originalWidth) {
    check();
    setState(model.backend().encodePreResized(resized, originalHeight, originalWidth));
  }

  /** The current image's embedding and sizes. */
  public ImageEmbedding embedding() {
    return requireState();
  }

  /**
   * Uses a saved embedding instead of encoding an image.
   *
   * @throws SamException when the embedding was made by another model (shapes, high-resolution
   *     features or, for SAM 2 files, the model name differ)
   */
  public void setEmbedding(ImageEmbedding embedding) {
    check();
    model.backend().checkEmbedding(embedding);
    setState(embedding);
  }

  private void setState(ImageEmbedding embedding) {
    state = embedding;
    upscaler = null;
    decoder.forgetImage();
  }

  /** Forgets the current image. */
  public void resetImage() {
    setState(null);
  }

  /** Decodes one prompt set against the current image. */
  public Prediction predict(Prompt prompt) {
    return predictBatch(List.of(prompt)).get(0);
  }

  /**
   * Decodes many prompt sets against the current image with as few runtime calls as possible:
   * sets with the same number of prompt tokens are decoded together.
   *
   * @return one prediction per prompt, in order
   */
  public List<Prediction> predictBatch(List<Prompt> prompts) {
    ImageEmbedding st = requireState();
    Prediction[] out = new Prediction[prompts.size()];
    forEachBatch(prompts, (chunk, batch) -> {
      PromptDecoder.Output d = decoder.run(st, batch, Double.NaN);
      for (int j = 0; j < batch.size(); j++) {
        out[chunk.get(j)] = toPrediction(st, batch.get(j), d, j);
      }
    });
    return List.of(out);
  }

  /**
   * Splits prompts into batches the decoder runs together: the same token count and the same kind
   * of dense input (mask input or not), at most {@link #MAX_BATCH} each.
   */
  private void forEachBatch(List<Prompt> prompts,
      BiConsumer<List<Integer>, List<Prompt>> action) {
    Map<Integer, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < prompts.size(); i++) {
      Prompt p = prompts.get(i);
      int key = 2 * decoder.tokenCount(p) + (p.hasMaskInput() ? 1 : 0);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> idx : groups.values()) {
      for (int from = 0; from < idx.size(); from += MAX_BATCH) {
        List<Integer> chunk = idx.subList(from, Math.min(idx.size(), from + MAX_BATCH));
        List<Prompt> batch = new ArrayList<>();
        chunk.forEach(i -> batch.add(prompts.get(i)));
        action.accept(chunk, batch);
      }
    }
  }

  /**
   * Decodes prompts of one token count that all have (or lack) a mask input, without upscaling
   * anything; prompts without mask input whose selected masks all have a predicted IoU at or
   * below {@code iouThreshold} get no masks at all (the decoder's costlier half is skipped).
   *
   * @param iouThreshold NaN to make masks for every prompt
   */
  PromptDecoder.Output decodeRaw(List<Prompt> batch, double iouThreshold) {
    ImageEmbedding st = requireState();
    int n = decoder.tokenCount(batch.get(0));
    boolean mask = batch.get(0).hasMaskInput();
    for (Prompt p : batch) {
      if (decoder.tokenCount(p) != n || p.hasMaskInput() != mask) {
        throw new IllegalArgumentException("decodeRaw needs prompts of one token count and kind");
      }
    }
    return decoder.run(st, batch, iouThreshold);
  }

  /**
   * Decodes prompt sets like {@link #predictBatch} but returns only the IoU predictions and the
   * low-res logits (the masks selected by each prompt's multimask flag), skipping the upscaling to
   * full resolution: for interactive refinement and for measuring the decoder alone. The logits
   * are bounded as {@link #predictBatch} returns them (SAM 2: to [-32, 32]).
   *
   * @return one result per prompt, in order
   */
  public List<LowResPrediction> predictLowRes(List<Prompt> prompts) {
    ImageEmbedding st = requireState();
    LowResPrediction[] out = new LowResPrediction[prompts.size()];
    int side = backend.lowResSize() * backend.lowResSize();
    forEachBatch(prompts, (chunk, batch) -> {
      PromptDecoder.Output d = decoder.run(st, batch, Double.NaN);
      int m = d.masksPerPrompt();
      for (int i = 0; i < batch.size(); i++) {
        Prompt p = batch.get(i);
        int count = p.numMultimaskOutputs();
        int first = p.firstMaskToken(m);
        float[] iou = new float[count];
        float[][] logits = d.masks(i, first, count);
        for (int j = 0; j < count; j++) {
          int t = i * m + first + j;
          iou[j] = p.useStabilityScore() ? StabilityScore.lowRes(logits[j], 0, side) : d.iou()[t];
          clamp(logits[j]);
        }
        out[chunk.get(i)] = new LowResPrediction(iou, logits);
      }
    });
    return List.of(out);
  }

  /**
   * The masks a prompt asks for (see {@link Prompt#numMultimaskOutputs}), with IoU predictions or
   * low-res stability scores.
   */
  private Prediction toPrediction(ImageEmbedding st, Prompt prompt, PromptDecoder.Output d,
      int item) {
    int side = backend.lowResSize();
    int tokens = d.masksPerPrompt();
    int first = prompt.firstMaskToken(tokens);
    int count = prompt.numMultimaskOutputs();
    float[] scores = new float[count];
    float[][] logits = d.masks(item, first, count);
    for (int j = 0; j < count; j++) {
      scores[j] = prompt.useStabilityScore()
          ? StabilityScore.lowRes(logits[j], 0, side * side) : d.iou()[item * tokens + first + j];
    }
    Mask[] masks = thresholded(st, logits);
    for (float[] l : logits) {
      clamp(l);
    }
    return new Prediction(List.of(masks), scores, logits, side);
  }

  /** Bounds returned low-res logits as the family's predictor does (masks use unclamped ones). */
  private void clamp(float[] logits) {
    float bound = backend.lowResClamp();
    if (bound == Float.POSITIVE_INFINITY) {
      return;
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.max(-bound, Math.min(bound, logits[i]));
    }
  }

  /**
   * The full-resolution masks ({@code logits > 0}) of low-res logits, upscaled and thresholded row
   * by row in parallel: each mask is cut into row ranges (so that one mask also keeps every core
   * busy) whose bits fill whole words, so no two tasks write the same word.
   */
  private Mask[] thresholded(ImageEmbedding st, float[][] logits) {
    int[] orig = st.originalSize();
    int h = orig[0];
    int w = orig[1];
    // a range starting at row y starts a word when y * w is a multiple of 64
    int step = 64 / gcd(w, 64);
    int cores = Runtime.getRuntime().availableProcessors();
    int parts = Math.max(1, Math.min((2 * cores + logits.length - 1) / logits.length, h / step));
    int[] bounds = new int[parts + 1];
    for (int k = 1; k < parts; k++) {
      bounds[k] = (int) ((long) h * k / parts / step * step);
    }
    bounds[parts] = h;
    long[][] words = new long[logits.length][(h * w + 63) >>> 6];
    MaskPostprocessor up = upscaler();
    IntStream.range(0, logits.length * parts).parallel().forEach(task -> {
      int j = task / parts;
      int k = task % parts;
      long[] bits = words[j];
      up.thresholdRows(logits[j], 0, bounds[k], bounds[k + 1], bits);
    });
    Mask[] made = new Mask[logits.length];
    for (int j = 0; j < made.length; j++) {
      made[j] = Mask.fromWords(words[j], w, h);
    }
    return made;
  }

  /** The (thread-safe) upscaler from low-res logits to the current image's original size. */
  private MaskPostprocessor upscaler() {
    if (upscaler == null) {
      upscaler = backend.upscaler(state, state.originalSize());
    }
    return upscaler;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * Full-resolution logits (original image size, row-major) of one low-res mask, as the
   * reference's {@code postprocess_masks} computes them; a mask is {@code logits > 0}.
   */
  public float[] upscaleLogits(float[] lowRes) {
    ImageEmbedding st = requireState();
    int[] orig = st.originalSize();
    float[] out = new float[orig[0] * orig[1]];
    upscaler().rows(lowRes, 0,
        (y, row) -> System.arraycopy(row, 0, out, y * row.length, row.length));
    return out;
  }

  private ImageEmbedding requireState() {
    check();
    if (state == null) {
      throw new IllegalStateException("no image is set: call setImage (or setEmbedding) first");
    }
    return state;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the predictor is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    setState(null);
  }
}
