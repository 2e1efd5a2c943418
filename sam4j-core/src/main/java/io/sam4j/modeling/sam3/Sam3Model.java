package io.sam4j.modeling.sam3;

import io.sam4j.checkpoint.CheckpointReader;
import io.sam4j.checkpoint.StateDict;
import io.sam4j.modeling.sam3.text.VETextEncoder;
import io.sam4j.runtime.FloatTensor;
import io.sam4j.runtime.InferenceSession;
import io.sam4j.runtime.RuntimeOptions;
import io.sam4j.text.ClipTokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SAM 3 image model (concept segmentation) loaded from {@code sam3.pt} or a variant with its
 * spec file: three ONNX Runtime sessions built in Java, the image encoder
 * ({@link Sam3ImageEncoder}, once per image), the text encoder ({@link VETextEncoder}, once per
 * phrase, cached) and the prompt graph ({@link Sam3PromptGraph}, once per prompt). Thread-safe;
 * holds native memory: close it.
 *
 * <pre>{@code
 * try (Sam3Model model = Sam3Model.load(Path.of("sam3.pt"), null, RuntimeOptions.defaults())) {
 *   Sam3Predictor p = model.newPredictor();
 *   p.setImage(Images.read(Path.of("street.jpg")));
 *   ConceptResult r = p.predict(ConceptPrompt.text("yellow school bus"));
 * }
 * }</pre>
 */
public final class Sam3Model implements AutoCloseable {
  private static final int TEXT_CACHE = 64;
  private final Sam3Spec spec;
  private final StateDict tokenTable;
  private final InferenceSession imageEncoder;
  private final InferenceSession textEncoder;
  private final InferenceSession prompt;
  private final ClipTokenizer tokenizer = ClipTokenizer.standard();
  private final Map<String, FloatTensor> textCache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FloatTensor> e) {
          return size() > TEXT_CACHE;
        }
      };
  private volatile boolean closed;

  private Sam3Model(Sam3Spec spec, StateDict tokenTable, InferenceSession imageEncoder,
      InferenceSession textEncoder, InferenceSession prompt) {
    this.spec = spec;
    this.tokenTable = tokenTable;
    this.imageEncoder = imageEncoder;
    this.textEncoder = textEncoder;
    this.prompt = prompt;
  }

  /**
   * Loads a SAM 3 checkpoint.
   *
   * @param specFile null for the official architecture, else a spec in the format of
   *     {@link Sam3SpecReader}
   */
  public static Sam3Model load(Path checkpoint, Path specFile, RuntimeOptions options) {
    StateDict sd = CheckpointReader.read(checkpoint);
    Sam3Spec spec = Sam3Detector.detect(sd, specFile);
    return fromStateDict(Sam3Detector.detectorWeights(sd), spec, options);
  }

  /** Builds the model from the image model's weights ({@link Sam3Detector#detectorWeights}). */
  public static Sam3Model fromStateDict(StateDict det, Sam3Spec spec, RuntimeOptions options) {
    Sam3Detector.check(det, spec, "given");
    InferenceSession image = null;
    InferenceSession text = null;
    try {
      image = InferenceSession.create("sam3 image encoder",
          Sam3ImageEncoder.graph(det, spec, List.of()), options);
      text = InferenceSession.create("sam3 text encoder", VETextEncoder.graph(det, spec.text()),
          options);
      InferenceSession p = InferenceSession.create("sam3 prompt", Sam3PromptGraph.graph(det, spec),
          options, true);
      StateDict table = det.heapCopy(List.of(VETextEncoder.PREFIX
          + ".encoder.token_embedding.weight"));
      return new Sam3Model(spec, table, image, text, p);
    } catch (RuntimeException e) {
      if (image != null) {
        image.close();
      }
      if (text != null) {
        text.close();
      }
      throw e;
    }
  }

  /** The architecture. */
  public Sam3Spec spec() {
    return spec;
  }

  /** A new predictor (cheap; one per thread or image stream). */
  public Sam3Predictor newPredictor() {
    check();
    return new Sam3Predictor(this);
  }

  /** The CLIP ids of a phrase ({@code context_length} of them). */
  public long[] tokens(String phrase) {
    return tokenizer.encode(phrase, spec.text().contextLength());
  }

  /** The text features [T, 1, d] of a phrase, cached. */
  FloatTensor textFeatures(String phrase) {
    check();
    synchronized (textCache) {
      FloatTensor f = textCache.get(phrase);
      if (f != null) {
        return f;
      }
    }
    FloatTensor in = VETextEncoder.tokenEmbeddings(tokenTable, spec.text(), tokens(phrase));
    FloatTensor f = textEncoder.run(Map.of(VETextEncoder.TEXT_EMBEDS, in))
        .get(VETextEncoder.LANGUAGE_FEATURES);
    synchronized (textCache) {
      textCache.put(phrase, f);
    }
    return f;
  }

  /** The FPN levels of a normalised [1, 3, S, S] image. */
  Map<String, FloatTensor> encodeImage(FloatTensor image) {
    check();
    return imageEncoder.run(Map.of(Sam3ImageEncoder.IMAGE, image));
  }

  /** Runs the prompt graph. */
  Map<String, FloatTensor> runPrompt(Map<String, FloatTensor> inputs) {
    check();
    return prompt.run(inputs);
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the SAM 3 model is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      imageEncoder.close();
      textEncoder.close();
      prompt.close();
    }
  }
}
