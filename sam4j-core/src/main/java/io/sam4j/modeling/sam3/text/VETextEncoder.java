package io.sam4j.modeling.sam3.text;

import io.sam4j.checkpoint.StateDict;
import io.sam4j.checkpoint.Tensor;
import io.sam4j.graph.ElemType;
import io.sam4j.graph.GraphBuilder;
import io.sam4j.graph.OnnxModel;
import io.sam4j.graph.Value;
import io.sam4j.modeling.Layers;
import io.sam4j.modeling.sam3.Sam3Spec;
import io.sam4j.runtime.FloatTensor;
import java.nio.FloatBuffer;

/**
 * SAM 3's text encoder ({@code text_encoder_ve.VETextEncoder}): CLIP token ids (start, tokens, end,
 * zeros; {@code context_length} of them, from {@code io.sam4j.text.ClipTokenizer}) through
 * {@link TextTransformer}, then {@code resizer} (Linear width to d_model). The token lookup
 * ({@code token_embedding}) happens in Java ({@link #tokenEmbeddings}); the graph takes its
 * [1, context, width] rows as {@link #TEXT_EMBEDS} and returns {@link #LANGUAGE_FEATURES}
 * [context, 1, d_model], sequence first as the reference's {@code language_features}, every
 * position included. The mask ({@link #languageMask}) is true at padding (token 0).
 * Keys under {@code backbone.language_backbone.}. Run once per phrase; cache per phrase.
 */
public final class VETextEncoder {
  /** The input: token embedding rows [1, context, width]. */
  public static final String TEXT_EMBEDS = "text_embeds";
  /** The output: [context, 1, d_model]. */
  public static final String LANGUAGE_FEATURES = "language_features";
  /** The module's key prefix. */
  public static final String PREFIX = "backbone.language_backbone";

  private VETextEncoder() {}

  /** The graph: {@link #TEXT_EMBEDS} to {@link #LANGUAGE_FEATURES}. */
  public static OnnxModel graph(StateDict det, Sam3Spec.Text spec) {
    GraphBuilder g = new GraphBuilder("sam4j_sam3_text_encoder");
    Layers nn = new Layers(g, det);
    Value in = g.input(TEXT_EMBEDS, ElemType.FLOAT, 1, spec.contextLength(), spec.width());
    Value x = new TextTransformer(nn, spec, PREFIX + ".encoder").build(in);
    x = nn.linear(PREFIX + ".resizer", x);
    g.output(LANGUAGE_FEATURES, nn.transpose(x, 1, 0, 2));
    return g.build();
  }

  /**
   * The rows of {@code token_embedding.weight} for {@code tokens}, as the graph's input.
   *
   * @param tokens exactly {@code context_length} ids in [0, vocab_size)
   */
  public static FloatTensor tokenEmbeddings(StateDict det, Sam3Spec.Text spec, long[] tokens) {
    int n = spec.contextLength();
    int w = spec.width();
    if (tokens.length != n) {
      throw new IllegalArgumentException(tokens.length + " tokens; the text encoder takes exactly "
          + n + " (pad with 0)");
    }
    Tensor table = det.get(PREFIX + ".encoder.token_embedding.weight", spec.vocabSize(), w);
    FloatBuffer rows = table.isContiguous() ? table.contiguousBytes().asFloatBuffer() : null;
    float[] all = rows == null ? table.toFloatArray() : null;
    float[] out = new float[n * w];
    for (int i = 0; i < n; i++) {
      long t = tokens[i];
      if (t < 0 || t >= spec.vocabSize()) {
        throw new IllegalArgumentException("token " + t + " at " + i + " is outside the vocabulary"
            + " [0, " + spec.vocabSize() + ")");
      }
      if (rows != null) {
        rows.get((int) t * w, out, i * w, w);
      } else {
        System.arraycopy(all, (int) t * w, out, i * w, w);
      }
    }
    return new FloatTensor(out, new long[] {1, n, w});
  }

  /** {@code language_mask}: true where the token is padding (0). */
  public static boolean[] languageMask(long[] tokens) {
    boolean[] m = new boolean[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      m[i] = tokens[i] == 0;
    }
    return m;
  }
}
