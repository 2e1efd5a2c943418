package io.sam4j;

import io.sam4j.modeling.ModelSpec;
import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.prompt.Point;
import io.sam4j.prompt.Prompt;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.Outputs;
import io.sam4j.transform.ResizeLongestSide;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs the decoder graphs for a predictor: prompts to decoder inputs, the per-image prologue
 * (cached in native memory until the image changes), the tokens stage and, for the prompts that
 * need them, the masks stage; prompts with a mask input take the one-piece decoder.
 */
final class PromptDecoder implements ModelBackend.Decoder {
  private final SamBackend model;
  private final ModelSpec spec;
  /** The decoder prologue's outputs for the current image, made on first use. */
  private Outputs cache;

  PromptDecoder(SamBackend model) {
    this.model = model;
    this.spec = model.spec();
  }

  /**
   * The decoder's raw outputs for prompts with equal token counts: IoU predictions [B, M] for M
   * mask tokens (4 for SAM), and low-res logits [B', M, s, s] of every mask token of the B'
   * prompts that got masks, kept in the order the decoder made them until somebody reads them
   * (most callers need only some masks: {@link #masks} reorders just those).
   */
  static final class Output {
    private final float[] iou;
    private final int masksPerPrompt;
    private final int[] rows;
    private final float[] subPixel;
    private final int embeddingSize;
    /** Values per mask (s x s). */
    private final int maskSize;
    private float[] lowRes;

    /**
     * @param lowRes low-res logits [B', M, s, s] in image order
     * @param iou IoU predictions [B, M]
     * @param masksPerPrompt M
     * @param rows for each prompt, its row in {@code lowRes}, or -1 when it got no masks
     */
    Output(float[] lowRes, float[] iou, int masksPerPrompt, int[] rows) {
      this(lowRes, null, 0, iou, masksPerPrompt, rows);
    }

    private Output(float[] lowRes, float[] subPixel, int embeddingSize, float[] iou,
        int masksPerPrompt, int[] rows) {
      this.lowRes = lowRes;
      this.subPixel = subPixel;
      this.embeddingSize = embeddingSize;
      this.iou = iou;
      this.masksPerPrompt = masksPerPrompt;
      this.rows = rows;
      int made = (int) Arrays.stream(rows).filter(r -> r >= 0).count();
      this.maskSize = subPixel != null ? 16 * embeddingSize * embeddingSize
          : lowRes.length / Math.max(1, masksPerPrompt * made);
    }

    /**
     * Outputs whose logits are still in the masks stage's sub-pixel order
     * ({@link SamGraphs#LOW_RES_SUBPIXEL}) for an embedding of side e.
     */
    static Output ofSubPixel(float[] subPixel, int embeddingSize, float[] iou,
        int masksPerPrompt, int[] rows) {
      return new Output(null, subPixel, embeddingSize, iou, masksPerPrompt, rows);
    }

    /** Low-res logits [B', M, s, s] in image order (reordered on first use). */
    float[] lowRes() {
      if (lowRes == null) {
        lowRes = SamGraphs.subPixelToImage(subPixel, masksPerPrompt, embeddingSize);
      }
      return lowRes;
    }

    /** Masks {@code first .. first + count - 1} of logits row {@code row}, each a new array. */
    float[][] masks(int row, int first, int count) {
      if (lowRes == null) {
        return SamGraphs.subPixelMasks(subPixel, masksPerPrompt, embeddingSize, row, first,
            count);
      }
      float[][] out = new float[count][];
      for (int j = 0; j < count; j++) {
        int t = row * masksPerPrompt + first + j;
        out[j] = Arrays.copyOfRange(lowRes, t * maskSize, (t + 1) * maskSize);
      }
      return out;
    }

    float[] iou() {
      return iou;
    }

    int masksPerPrompt() {
      return masksPerPrompt;
    }

    int[] rows() {
      return rows;
    }
  }

  /** Releases the cached image-side tensors (the image changed or the predictor closed). */
  @Override
  public void forgetImage() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
  }

  @Override
  public int tokenCount(Prompt p) {
    return p.tokenCount();
  }

  @Override
  public Output run(ImageEmbedding st, List<Prompt> batch, double iouThreshold) {
    int n = batch.get(0).tokenCount();
    FloatTensor emb = new FloatTensor(st.dataUnsafe(), st.shape());
    int b = batch.size();
    int side = spec.lowResSize();
    boolean withMask = batch.get(0).hasMaskInput();
    float[] coords = new float[b * n * 2];
    float[] labels = new float[b * n];
    for (int i = 0; i < b; i++) {
      encodePoints(batch.get(i), st, coords, labels, i * n);
    }
    Map<String, Object> in = new LinkedHashMap<>();
    in.put(SamGraphs.POINT_COORDS, new FloatTensor(coords, new long[] {b, n, 2}));
    in.put(SamGraphs.POINT_LABELS, new FloatTensor(labels, new long[] {b, n}));
    if (withMask) {
      float[] masks = new float[b * side * side];
      float[] has = new float[b];
      for (int i = 0; i < b; i++) {
        float[] m = batch.get(i).maskInput();
        if (m.length != side * side) {
          throw new SamException(SamException.Kind.BAD_PROMPT, "the mask input has " + m.length
              + " values; it must be the " + side + "x" + side + " low-res logits of a prediction");
        }
        System.arraycopy(m, 0, masks, i * side * side, m.length);
        has[i] = 1f;
      }
      in.put(SamGraphs.IMAGE_EMBEDDINGS, emb);
      in.put(SamGraphs.MASK_INPUT, new FloatTensor(masks, new long[] {b, 1, side, side}));
      in.put(SamGraphs.HAS_MASK_INPUT, new FloatTensor(has, new long[] {b}));
      try (Outputs out = model.maskInputDecoder().runKeepingOutputs(in)) {
        FloatTensor low = out.get(SamGraphs.LOW_RES_MASKS);
        return new Output(low.data(), out.get(SamGraphs.IOU_PREDICTIONS).data(),
            low.dim(1), IntStream.range(0, b).toArray());
      }
    }
    if (cache == null) {
      cache = model.decoderPrologue()
          .runKeepingOutputs(Map.of(SamGraphs.IMAGE_EMBEDDINGS, emb));
    }
    for (String name : SamGraphs.CACHE) {
      in.put(name, cache.handle(name));
    }
    try (Outputs tokens = model.decoderTokens().runKeepingOutputs(in)) {
      FloatTensor iouT = tokens.get(SamGraphs.IOU_PREDICTIONS);
      float[] iou = iouT.data();
      int m = iouT.dim(1);
      int[] rows = new int[b];
      int count = 0;
      for (int i = 0; i < b; i++) {
        Prompt p = batch.get(i);
        // a prompt scored by stability needs its masks before any threshold can be applied
        rows[i] = Double.isNaN(iouThreshold) || p.useStabilityScore()
            || anyAbove(iou, i, m, p, iouThreshold) ? count++ : -1;
      }
      if (count == 0) {
        return new Output(new float[0], iou, m, rows);
      }
      float[] selected = new float[count];
      for (int i = 0; i < b; i++) {
        if (rows[i] >= 0) {
          selected[rows[i]] = i;
        }
      }
      Map<String, Object> masksIn = new LinkedHashMap<>();
      masksIn.put(SamGraphs.FINAL_KEYS, tokens.handle(SamGraphs.FINAL_KEYS));
      masksIn.put(SamGraphs.HYPER_IN, tokens.handle(SamGraphs.HYPER_IN));
      InferenceSession stage = model.decoderMasksForAll();
      if (count < b) {
        masksIn.put(SamGraphs.SELECTED, new FloatTensor(selected, new long[] {count}));
        stage = model.decoderMasks();
      }
      try (Outputs masks = stage.runKeepingOutputs(masksIn)) {
        float[] sub = masks.get(SamGraphs.LOW_RES_SUBPIXEL).data();
        return Output.ofSubPixel(sub, spec.embeddingSize(), iou, m, rows);
      }
    }
  }

  /** Whether the masks prompt i returns (see Prompt.firstMaskToken) include one above t. */
  private static boolean anyAbove(float[] iou, int i, int m, Prompt p, double t) {
    int first = p.firstMaskToken(m);
    for (int k = first; k < first + p.numMultimaskOutputs(); k++) {
      if (iou[i * m + k] > t) {
        return true;
      }
    }
    return false;
  }

  /** Points, then box corners (labels 2, 3), else one padding point, in the resized frame. */
  private void encodePoints(Prompt p, ImageEmbedding st, float[] coords, float[] labels, int at) {
    int count = p.tokenCount();
    if (count == 0) {
      return;
    }
    double[] xy = new double[count * 2];
    int k = 0;
    for (Point pt : p.points()) {
      xy[2 * k] = pt.x();
      xy[2 * k + 1] = pt.y();
      labels[at + k] = pt.label().value();
      k++;
    }
    float[] scaled = ResizeLongestSide.applyCoords(xy, st.originalSize(), st.inputSize());
    if (p.box().isPresent()) {
      var box = p.box().get();
      float[] corners = ResizeLongestSide.applyCoords(
          new double[] {box.x0(), box.y0(), box.x1(), box.y1()}, st.originalSize(), st.inputSize());
      System.arraycopy(corners, 0, scaled, 2 * k, 4);
      labels[at + k] = 2;
      labels[at + k + 1] = 3;
    } else {
      scaled[2 * k] = 0;
      scaled[2 * k + 1] = 0;
      labels[at + k] = -1;
    }
    System.arraycopy(scaled, 0, coords, at * 2, count * 2);
  }

}
