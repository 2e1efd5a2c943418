package io.sam4j;

import io.sam4j.modeling.sam.SamGraphs;
import io.sam4j.modeling.sam2.Sam2Decoders;
import io.sam4j.modeling.sam2.Sam2Graphs;
import io.sam4j.modeling.sam2.config.Sam2HeadsSpec;
import io.sam4j.modeling.sam2.config.Sam2ModelSpec;
import io.sam4j.prompt.Box;
import io.sam4j.prompt.Point;
import io.sam4j.prompt.Prompt;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.Outputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs the SAM 2 family's decoder for a predictor, as {@code SAM2ImagePredictor._predict}: prompts
 * to the S x S frame ({@code x / W * S}, {@code y / H * S} in float32), a box as two corner points
 * (labels 2, 3) before the clicks, always one padding point after them; then the dynamic
 * multimask choice for single-mask requests. Prompts without mask input run over the image's
 * decoder prologue (image tokens, the first block's projections, the high-resolution features),
 * made on the first such prompt and kept in native memory until the image changes.
 */
final class Sam2PromptDecoder implements ModelBackend.Decoder {
  private final Sam2Backend backend;
  private final Sam2ModelSpec spec;
  /** The decoder prologue's outputs for the current image, made on first use. */
  private Outputs cache;

  Sam2PromptDecoder(Sam2Backend backend) {
    this.backend = backend;
    this.spec = backend.spec();
  }

  /** Box corners (2), points, one padding point; none when the prompt has only a mask input. */
  @Override
  public int tokenCount(Prompt p) {
    if (p.points().isEmpty() && p.box().isEmpty()) {
      return 0;
    }
    return p.points().size() + (p.box().isPresent() ? 2 : 0) + 1;
  }

  @Override
  public void forgetImage() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
  }

  /** The image embeddings and, when the model uses them, the high-resolution features. */
  private void putImage(Map<String, Object> in, ImageEmbedding st) {
    in.put(Sam2Graphs.IMAGE_EMBEDDINGS, new FloatTensor(st.dataUnsafe(), st.shape()));
    if (spec.heads().useHighResFeaturesInSam()) {
      in.put(Sam2Graphs.HIGH_RES_FEATS_0, new FloatTensor(st.highResUnsafe(0), st.highResShape(0)));
      in.put(Sam2Graphs.HIGH_RES_FEATS_1, new FloatTensor(st.highResUnsafe(1), st.highResShape(1)));
    }
  }

  @Override
  public PromptDecoder.Output run(ImageEmbedding st, List<Prompt> batch, double iouThreshold) {
    int b = batch.size();
    int n = tokenCount(batch.get(0));
    int side = spec.lowResSize();
    float[] coords = new float[b * n * 2];
    float[] labels = new float[b * n];
    for (int i = 0; i < b; i++) {
      encodePoints(batch.get(i), st.originalSize(), coords, labels, i * n);
    }
    Map<String, Object> in = new LinkedHashMap<>();
    in.put(Sam2Graphs.POINT_COORDS, new FloatTensor(coords, new long[] {b, n, 2}));
    in.put(Sam2Graphs.POINT_LABELS, new FloatTensor(labels, new long[] {b, n}));
    boolean withMask = batch.get(0).hasMaskInput();
    float[] lowRes;
    float[] iou;
    int m;
    if (withMask) {
      putImage(in, st);
      float[] masks = new float[b * side * side];
      float[] has = new float[b];
      for (int i = 0; i < b; i++) {
        float[] mi = batch.get(i).maskInput();
        if (mi.length != side * side) {
          throw new SamException(SamException.Kind.BAD_PROMPT, "the mask input has " + mi.length
              + " values; it must be the " + side + "x" + side + " low-res logits of a prediction");
        }
        System.arraycopy(mi, 0, masks, i * side * side, mi.length);
        has[i] = 1f;
      }
      in.put(Sam2Graphs.MASK_INPUT, new FloatTensor(masks, new long[] {b, 1, side, side}));
      in.put(Sam2Graphs.HAS_MASK_INPUT, new FloatTensor(has, new long[] {b}));
    } else {
      if (cache == null) {
        Map<String, Object> image = new LinkedHashMap<>();
        putImage(image, st);
        cache = backend.decoderPrologue().runKeepingOutputs(image);
      }
      for (String name : SamGraphs.CACHE) {
        in.put(name, cache.handle(name));
      }
      if (spec.heads().useHighResFeaturesInSam()) {
        in.put(Sam2Decoders.CACHED_FEATS_0, cache.handle(Sam2Decoders.CACHED_FEATS_0));
        in.put(Sam2Decoders.CACHED_FEATS_1, cache.handle(Sam2Decoders.CACHED_FEATS_1));
      }
    }
    Sam2HeadsSpec heads = spec.heads();
    boolean dynamic = heads.dynamicMultimaskViaStability()
        && batch.stream().anyMatch(p -> !p.multimask());
    try (Outputs out = (withMask ? backend.maskInputDecoder() : backend.cachedDecoder())
        .runKeepingOutputs(in)) {
      FloatTensor iouT = out.get(Sam2Graphs.IOU_PREDICTIONS);
      iou = iouT.data();
      m = iouT.dim(1);
      if (!withMask && !dynamic) {
        // in sub-pixel order until somebody reads the masks (most read only some of them)
        return PromptDecoder.Output.ofSubPixel(out.get(SamGraphs.LOW_RES_SUBPIXEL).data(),
            spec.embeddingSize(), iou, m, IntStream.range(0, b).toArray());
      }
      lowRes = withMask ? out.get(Sam2Graphs.LOW_RES_MASKS).data()
          : SamGraphs.subPixelToImage(out.get(SamGraphs.LOW_RES_SUBPIXEL).data(), m,
              spec.embeddingSize());
    }
    if (dynamic) {
      for (int i = 0; i < b; i++) {
        if (!batch.get(i).multimask()) {
          dynamicMultimask(lowRes, iou, i, m, side * side,
              (float) heads.dynamicMultimaskStabilityDelta(),
              (float) heads.dynamicMultimaskStabilityThresh());
        }
      }
    }
    return new PromptDecoder.Output(lowRes, iou, m, IntStream.range(0, b).toArray());
  }

  /**
   * {@code _dynamic_multimask_via_stability}: when mask 0's stability
   * ({@code area(> delta) / area(> -delta)}, 1 when the latter is empty) is below the threshold,
   * slot 0 takes the multimask output (1..M-1) with the highest predicted IoU.
   */
  static void dynamicMultimask(float[] lowRes, float[] iou, int item, int m, int area,
      float delta, float thresh) {
    int base = item * m * area;
    int inter = 0;
    int union = 0;
    for (int k = base; k < base + area; k++) {
      float v = lowRes[k];
      inter += v > delta ? 1 : 0;
      union += v > -delta ? 1 : 0;
    }
    float stability = union > 0 ? (float) inter / (float) union : 1f;
    if (stability >= thresh) {
      return;
    }
    int best = 1;
    for (int t = 2; t < m; t++) {
      if (iou[item * m + t] > iou[item * m + best]) {
        best = t;
      }
    }
    System.arraycopy(lowRes, base + best * area, lowRes, base, area);
    iou[item * m] = iou[item * m + best];
  }

  /** Box corners (labels 2, 3), then the points, then the padding point (0, 0) with label -1. */
  private void encodePoints(Prompt p, int[] originalSize, float[] coords, float[] labels,
      int at) {
    if (tokenCount(p) == 0) {
      return;
    }
    float h = originalSize[0];
    float w = originalSize[1];
    float s = spec.imageSize();
    int k = at;
    if (p.box().isPresent()) {
      Box box = p.box().get();
      put(coords, labels, k++, box.x0(), box.y0(), 2, w, h, s);
      put(coords, labels, k++, box.x1(), box.y1(), 3, w, h, s);
    }
    for (Point pt : p.points()) {
      put(coords, labels, k++, pt.x(), pt.y(), pt.label().value(), w, h, s);
    }
    coords[2 * k] = 0f;
    coords[2 * k + 1] = 0f;
    labels[k] = -1f;
  }

  /** {@code transform_coords(normalize=True)}: float32 {@code x / w * S}, {@code y / h * S}. */
  private static void put(float[] coords, float[] labels, int k, double x, double y, int label,
      float w, float h, float s) {
    coords[2 * k] = (float) x / w * s;
    coords[2 * k + 1] = (float) y / h * s;
    labels[k] = label;
  }
}
