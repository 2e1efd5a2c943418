package io.sam4j;

import io.sam4j.amg.StabilityScore;
import io.sam4j.image.RgbImage;
import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.SamGraphs;
import io.sam4j.prompt.Prompt;
import io.sam4j.result.LowResPrediction;
import io.sam4j.result.Mask;
import io.sam4j.result.Prediction;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.transform.MaskPostprocessor;
import io.sam4j.transform.ResizeLongestSide;
import io.sam4j.transform.SamPreprocessor;
import java.util.ArrayList;
import java.util.Arrays;
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
 */
public final class SamPredictor implements AutoCloseable {
  /** Prompt sets decoded per runtime call; bounds the decoder's memory (about 15 MB per set). */
  private static final int MAX_BATCH = 16;

  private final SamModel model;
  private final ModelSpec spec;
  private ImageEmbedding state;
  private final PromptDecoder decoder;
  private boolean closed;

  SamPredictor(SamModel model) {
    this.model = model;
    this.spec = model.spec();
    this.decoder = new PromptDecoder(model);
  }

  /** Encodes an image (RGB, any size): resize longest side to 1024, normalize, pad, encode. */
  public void setImage(RgbImage image) {
    check();
    RgbImage resized = SamPreprocessor.resize(image, spec.imageSize());
    encode(resized, new int[] {image.height(), image.width()});
  }

  /**
   * Encodes an image that was already resized with the reference's resize (for example a
   * fixture's {@code .resized.png}), for an original image of the given size.
   *
   * @throws SamException when the image is not the size that original resizes to
   */
  public void setPreResizedImage(RgbImage resized, int originalHeight, int originalWidth) {
    check();
    int[] expected = ResizeLongestSide.targetSize(originalHeight, originalWidth, spec.imageSize());
    if (resized.height() != expected[0] || resized.width() != expected[1]) {
      throw new SamException(SamException.Kind.BAD_INPUT, "a " + originalHeight + "x"
          + originalWidth + " (HxW) original resizes to " + expected[0] + "x" + expected[1]
          + ", but the pre-resized image is " + resized.height() + "x" + resized.width());
    }
    encode(resized, new int[] {originalHeight, originalWidth});
  }

  private void encode(RgbImage resized, int[] originalSize) {
    int s = spec.imageSize();
    float[] input = SamPreprocessor.normalizeAndPad(resized, s);
    FloatTensor out = model.encoder()
        .run(Map.of(SamGraphs.IMAGE, new FloatTensor(input, new long[] {1, 3, s, s})))
        .get(SamGraphs.IMAGE_EMBEDDINGS);
    setState(new ImageEmbedding(out.data(), out.shape(), originalSize,
        new int[] {resized.height(), resized.width()}));
  }

  /** The current image's embedding and sizes. */
  public ImageEmbedding embedding() {
    return requireState();
  }

  /** Uses a saved embedding instead of encoding an image. */
  public void setEmbedding(ImageEmbedding embedding) {
    check();
    long[] expected = {1, spec.promptEmbedDim(), spec.embeddingSize(), spec.embeddingSize()};
    if (!Arrays.equals(embedding.shape(), expected)) {
      throw new SamException(SamException.Kind.BAD_INPUT, "the embedding has shape "
          + Arrays.toString(embedding.shape()) + " but this model's is " + Arrays.toString(expected)
          + " (was it made with another model?)");
    }
    setState(embedding);
  }

  private void setState(ImageEmbedding embedding) {
    state = embedding;
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
      PromptDecoder.Output d = decoder.run(st, batch, batch.get(0).tokenCount(), Double.NaN);
      for (int j = 0; j < batch.size(); j++) {
        out[chunk.get(j)] = toPrediction(st, batch.get(j), d.lowRes(), d.iou(), j,
            d.masksPerPrompt());
      }
    });
    return List.of(out);
  }

  /**
   * Splits prompts into batches the decoder runs together: the same token count and the same kind
   * of dense input (mask input or not), at most {@link #MAX_BATCH} each.
   */
  private static void forEachBatch(List<Prompt> prompts,
      BiConsumer<List<Integer>, List<Prompt>> action) {
    Map<Integer, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < prompts.size(); i++) {
      Prompt p = prompts.get(i);
      int key = 2 * p.tokenCount() + (p.hasMaskInput() ? 1 : 0);
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
    int n = batch.get(0).tokenCount();
    boolean mask = batch.get(0).hasMaskInput();
    for (Prompt p : batch) {
      if (p.tokenCount() != n || p.hasMaskInput() != mask) {
        throw new IllegalArgumentException("decodeRaw needs prompts of one token count and kind");
      }
    }
    return decoder.run(st, batch, n, iouThreshold);
  }

  /**
   * Decodes prompt sets like {@link #predictBatch} but returns only the IoU predictions and the
   * low-res logits (the masks selected by each prompt's multimask flag), skipping the upscaling to
   * full resolution: for interactive refinement and for measuring the decoder alone.
   *
   * @return one result per prompt, in order
   */
  public List<LowResPrediction> predictLowRes(List<Prompt> prompts) {
    ImageEmbedding st = requireState();
    LowResPrediction[] out = new LowResPrediction[prompts.size()];
    int side = spec.lowResSize() * spec.lowResSize();
    forEachBatch(prompts, (chunk, batch) -> {
      PromptDecoder.Output d = decoder.run(st, batch, batch.get(0).tokenCount(), Double.NaN);
      int m = d.masksPerPrompt();
      for (int i = 0; i < batch.size(); i++) {
        Prompt p = batch.get(i);
        int count = p.numMultimaskOutputs();
        int first = p.firstMaskToken(m);
        float[] iou = new float[count];
        float[][] logits = new float[count][];
        for (int j = 0; j < count; j++) {
          int t = i * m + first + j;
          logits[j] = Arrays.copyOfRange(d.lowRes(), t * side, (t + 1) * side);
          iou[j] = p.useStabilityScore() ? StabilityScore.lowRes(logits[j], 0, side) : d.iou()[t];
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
  private Prediction toPrediction(ImageEmbedding st, Prompt prompt, float[] low, float[] iou,
      int item, int tokens) {
    int side = spec.lowResSize();
    int first = prompt.firstMaskToken(tokens);
    int count = prompt.numMultimaskOutputs();
    float[] scores = new float[count];
    float[][] logits = new float[count][];
    for (int j = 0; j < count; j++) {
      int t = first + j;
      logits[j] = Arrays.copyOfRange(low, (item * tokens + t) * side * side,
          (item * tokens + t + 1) * side * side);
      scores[j] = prompt.useStabilityScore()
          ? StabilityScore.lowRes(logits[j], 0, side * side) : iou[item * tokens + t];
    }
    return new Prediction(List.of(thresholded(st, logits)), scores, logits, side);
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
    int side = spec.lowResSize();
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
    IntStream.range(0, logits.length * parts).parallel().forEach(task -> {
      int j = task / parts;
      int k = task % parts;
      long[] bits = words[j];
      new MaskPostprocessor(side, spec.imageSize(), st.inputSize(), orig).rows(logits[j], 0,
          bounds[k], bounds[k + 1], (y, row) -> {
            int base = y * w;
            for (int x = 0; x < w; x++) {
              if (row[x] > 0f) {
                int i = base + x;
                bits[i >>> 6] |= 1L << i;
              }
            }
          });
    });
    Mask[] made = new Mask[logits.length];
    for (int j = 0; j < made.length; j++) {
      made[j] = Mask.fromWords(words[j], w, h);
    }
    return made;
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
    return MaskPostprocessor.upscale(lowRes, spec.lowResSize(), spec.imageSize(), st.inputSize(),
        st.originalSize());
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
