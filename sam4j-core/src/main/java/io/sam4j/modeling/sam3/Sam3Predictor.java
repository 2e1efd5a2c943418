package io.sam4j.modeling.sam3;

import io.sam4j.image.RgbImage;
import io.sam4j.result.Mask;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.transform.MaskPostprocessor;
import io.sam4j.transform.Sam3Preprocessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concept segmentation on one image at a time ({@code Sam3Processor}): {@link #setImage} encodes
 * the image once, {@link #predict} answers any number of {@link ConceptPrompt}s over it. Not
 * thread-safe: use one per thread ({@link Sam3Model#newPredictor} is cheap).
 *
 * <p>Post-processing as the reference: a query is kept when
 * {@code sigmoid(logit) * sigmoid(presence) > threshold} (0.5 by default), no NMS, query order;
 * boxes cxcywh to xyxy times (W, H, W, H), not clipped; masks from the low-resolution logits
 * bilinearly (align_corners=False) straight to H x W, then {@code sigmoid > 0.5}.
 */
public final class Sam3Predictor {
  private final Sam3Model model;
  private Map<String, FloatTensor> levels;
  private int height;
  private int width;

  Sam3Predictor(Sam3Model model) {
    this.model = model;
  }

  /** Encodes a photo: torch's uint8 antialiased resize to the square input, then the encoder. */
  public void setImage(RgbImage image) {
    encode(Sam3Preprocessor.preprocess(image, model.spec().imageSize()), image.height(),
        image.width());
  }

  /**
   * Encodes an image that is already the network's square input (the {@code .resized.png} of the
   * fixtures); outputs are scaled to {@code originalHeight x originalWidth}.
   */
  public void setPreResizedImage(RgbImage input, int originalHeight, int originalWidth) {
    int s = model.spec().imageSize();
    if (input.width() != s || input.height() != s) {
      throw new IllegalArgumentException("a pre-resized image must be " + s + "x" + s + ", got "
          + input.width() + "x" + input.height());
    }
    if (originalHeight <= 0 || originalWidth <= 0) {
      throw new IllegalArgumentException("the original size must be positive, got "
          + originalHeight + "x" + originalWidth);
    }
    encode(Sam3Preprocessor.normalize(input), originalHeight, originalWidth);
  }

  private void encode(float[] chw, int h, int w) {
    int s = model.spec().imageSize();
    levels = model.encodeImage(new FloatTensor(chw, new long[] {1, 3, s, s}));
    height = h;
    width = w;
  }

  /** Bytes of the encoded image this predictor holds (0 before {@link #setImage}). */
  public long imageStateBytes() {
    long n = 0;
    if (levels != null) {
      for (FloatTensor t : levels.values()) {
        n += 4L * t.data().length;
      }
    }
    return n;
  }

  /** The photo's size the outputs are scaled to, {height, width}; null before an image. */
  public int[] imageSize() {
    return levels == null ? null : new int[] {height, width};
  }

  /** {@link #predict(ConceptPrompt, double)} at the spec's confidence threshold (0.5). */
  public ConceptResult predict(ConceptPrompt prompt) {
    return predict(prompt, model.spec().processor().confidenceThreshold());
  }

  /**
   * Every instance of the concept.
   *
   * @param threshold keep queries whose score is above it
   * @throws IllegalStateException before {@link #setImage}
   */
  public ConceptResult predict(ConceptPrompt prompt, double threshold) {
    if (levels == null) {
      throw new IllegalStateException("call setImage before predict");
    }
    String phrase = prompt.textUsed();
    long[] tokens = model.tokens(phrase);
    Map<String, FloatTensor> in = new LinkedHashMap<>(levels);
    in.put(Sam3PromptGraph.LANGUAGE_FEATURES, model.textFeatures(phrase));
    float[] mask = new float[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      mask[i] = tokens[i] == 0 ? Float.NEGATIVE_INFINITY : 0f;
    }
    in.put(Sam3PromptGraph.LANGUAGE_MASK, new FloatTensor(mask, new long[] {1, tokens.length}));
    int np = prompt.points().size();
    float[] xy = new float[2 * np];
    float[] pl = new float[np];
    for (int i = 0; i < np; i++) {
      ConceptPrompt.Point p = prompt.points().get(i);
      xy[2 * i] = (float) p.x();
      xy[2 * i + 1] = (float) p.y();
      pl[i] = p.positive() ? 1f : 0f;
    }
    int nb = prompt.boxes().size();
    float[] bx = new float[4 * nb];
    float[] bl = new float[nb];
    for (int i = 0; i < nb; i++) {
      ConceptPrompt.Box b = prompt.boxes().get(i);
      bx[4 * i] = (float) b.cx();
      bx[4 * i + 1] = (float) b.cy();
      bx[4 * i + 2] = (float) b.w();
      bx[4 * i + 3] = (float) b.h();
      bl[i] = b.positive() ? 1f : 0f;
    }
    in.put(Sam3PromptGraph.POINTS, new FloatTensor(xy, new long[] {1, np, 2}));
    in.put(Sam3PromptGraph.POINT_LABELS, new FloatTensor(pl, new long[] {1, np, 1}));
    in.put(Sam3PromptGraph.BOXES, new FloatTensor(bx, new long[] {1, nb, 4}));
    in.put(Sam3PromptGraph.BOX_LABELS, new FloatTensor(bl, new long[] {1, nb, 1}));
    Map<String, FloatTensor> out = model.runPrompt(in);
    return postprocess(tokens, out, threshold);
  }

  private ConceptResult postprocess(long[] tokens, Map<String, FloatTensor> out,
      double threshold) {
    float[] logits = out.get(Sam3PromptGraph.PRED_LOGITS).data();
    float[] boxes = out.get(Sam3PromptGraph.PRED_BOXES).data();
    float presence = out.get(Sam3PromptGraph.PRESENCE_LOGIT_DEC).data()[0];
    FloatTensor masks = out.get(Sam3PromptGraph.PRED_MASKS);
    int low = masks.dim(2);
    float presenceProb = sigmoid(presence);
    MaskPostprocessor up = null;
    List<ConceptResult.Instance> kept = new ArrayList<>();
    for (int q = 0; q < logits.length; q++) {
      float score = sigmoid(logits[q]) * presenceProb;
      if (!(score > threshold)) {
        continue;
      }
      float cx = boxes[4 * q];
      float cy = boxes[4 * q + 1];
      float hw = 0.5f * boxes[4 * q + 2];
      float hh = 0.5f * boxes[4 * q + 3];
      float[] xyxy = {(cx - hw) * width, (cy - hh) * height, (cx + hw) * width,
          (cy + hh) * height};
      if (up == null) {
        up = MaskPostprocessor.direct(low, new int[] {height, width});
      }
      long[] words = new long[(int) (((long) width * height + 63) >>> 6)];
      int w = width;
      up.rows(masks.data(), q * low * low, (y, row) -> {
        for (int x = 0; x < w; x++) {
          if (sigmoid(row[x]) > 0.5f) {
            int i = y * w + x;
            words[i >>> 6] |= 1L << i;
          }
        }
      });
      kept.add(new ConceptResult.Instance(q, score, xyxy, Mask.fromWords(words, width, height)));
    }
    return new ConceptResult(tokens, logits, boxes, presence, masks.data(), low, kept);
  }

  /** The logistic function in float32. */
  static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }
}
